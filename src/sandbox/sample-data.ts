import type { RoomType } from '../rooms/room';

/** The sandbox LMS's fixed registration. Its issuer never resolves; only its JWKS is fetched. */
export const SANDBOX_PLATFORM = {
  name: 'Guestlink LMS sandbox',
  issuer: 'https://lms-sandbox.guestlink.local',
  clientId: 'guestlink-sandbox-tool',
  deploymentId: '5f0c3c1e-6d55-4c7a-9d3c-0c8d7c6f1a01',
  /** A deployment the sandbox can launch from but Guestlink does not list, to show the refusal. */
  unregisteredDeploymentId: '9a7e2b44-0f1d-4e93-8b7a-2d6c5e4f3a99',
} as const;

export interface SandboxUser {
  key: string;
  /** Opaque, like Blackboard's `sub`. */
  id: string;
  label: string;
  givenName: string;
  familyName: string;
  email: string;
  roles: string[];
}

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2';

export const SANDBOX_USERS: SandboxUser[] = [
  {
    key: 'instructor',
    id: '2f6d1c0b9a8e4f3d8c7b6a5e4d3c2b1a',
    label: 'Instructor — Ada Lovelace',
    givenName: 'Ada',
    familyName: 'Lovelace',
    email: 'ada.lovelace@example.edu',
    roles: [`${LIS}/membership#Instructor`, `${LIS}/institution/person#Faculty`],
  },
  {
    key: 'co-instructor',
    id: '7c1e0d9f8a2b4c3d9e8f7a6b5c4d3e2f',
    label: 'Second instructor — Grace Hopper',
    givenName: 'Grace',
    familyName: 'Hopper',
    email: 'grace.hopper@example.edu',
    roles: [`${LIS}/membership#Instructor`, `${LIS}/institution/person#Faculty`],
  },
  {
    // Blackboard sends privileged course roles as Instructor unless an admin remaps them.
    key: 'teaching-assistant',
    id: '4b3a2c1d0e9f4a8b7c6d5e4f3a2b1c0d',
    label: 'Teaching assistant — Tim Berners-Lee (sent as Instructor)',
    givenName: 'Tim',
    familyName: 'Berners-Lee',
    email: 'tim.bl@example.edu',
    roles: [`${LIS}/membership#Instructor`, `${LIS}/institution/person#Staff`],
  },
  {
    key: 'student',
    id: '9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b',
    label: 'Student — Sam Student',
    givenName: 'Sam',
    familyName: 'Student',
    email: 'sam.student@example.edu',
    roles: [`${LIS}/membership#Learner`, `${LIS}/institution/person#Student`],
  },
];

export interface SandboxLink {
  id: string;
  title: string;
  custom: Record<string, string>;
}

export interface SandboxCourse {
  key: string;
  id: string;
  label: string;
  title: string;
  links: Array<SandboxLink & { key: string; kind: RoomType }>;
}

export const SANDBOX_COURSES: SandboxCourse[] = [
  {
    key: 'bio-101',
    id: '_181_1',
    label: 'BIO-101',
    title: 'Introduction to Biology',
    links: [
      { key: 'live-session', id: '_44_1', title: 'Weekly live session', custom: {}, kind: 'room' },
      {
        key: 'media-gallery',
        id: '_45_1',
        title: 'Lecture recordings',
        custom: { room_type: 'media-gallery' },
        kind: 'media-gallery',
      },
    ],
  },
  {
    key: 'hist-210',
    id: '_202_1',
    label: 'HIST-210',
    title: 'Modern European History',
    links: [{ key: 'office-hours', id: '_51_1', title: 'Office hours', custom: {}, kind: 'room' }],
  },
];

export function findUser(key: string): SandboxUser | undefined {
  return SANDBOX_USERS.find((user) => user.key === key);
}

export function findCourse(key: string): SandboxCourse | undefined {
  return SANDBOX_COURSES.find((course) => course.key === key);
}
