import { buildRoleMap, canonicalRole, roleFromLaunch } from '../../../src/lti/roles';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2';
const defaults = buildRoleMap(undefined);

describe('canonicalRole', () => {
  it.each([
    [`${LIS}/membership#Instructor`, 'membership#instructor'],
    ['Instructor', 'membership#instructor'],
    ['urn:lti:role:ims/lis/Instructor', 'membership#instructor'],
    [`${LIS}/membership/Instructor#TeachingAssistant`, 'membership/instructor#teachingassistant'],
    ['TeachingAssistant', 'membership/instructor#teachingassistant'],
    ['urn:lti:role:ims/lis/TeachingAssistant', 'membership/instructor#teachingassistant'],
    [`${LIS}/institution/person#Administrator`, 'institution/person#administrator'],
    ['urn:lti:instrole:ims/lis/Administrator', 'institution/person#administrator'],
    [`${LIS}/system/person#Administrator`, 'system/person#administrator'],
    ['urn:lti:sysrole:ims/lis/Administrator', 'system/person#administrator'],
    ['  Learner ', 'membership#learner'],
  ])('reads %s as %s', (role, canonical) => {
    expect(canonicalRole(role)).toBe(canonical);
  });
});

describe('roleFromLaunch with the default map (docs/product.md §1)', () => {
  it.each<[string, unknown, string]>([
    [
      'Instructor + system Administrator (Blackboard admin teaching a course)',
      [
        `${LIS}/membership#Instructor`,
        `${LIS}/system/person#Administrator`,
        `${LIS}/institution/person#Staff`,
      ],
      'moderator',
    ],
    ['a TA sent as Instructor (Blackboard default)', [`${LIS}/membership#Instructor`], 'moderator'],
    ['a TA sent as TeachingAssistant', [`${LIS}/membership/Instructor#TeachingAssistant`], 'moderator'],
    [
      'Learner + institution Student',
      [`${LIS}/membership#Learner`, `${LIS}/institution/person#Student`],
      'viewer',
    ],
    ['no roles at all', [], 'viewer'],
    ['a missing roles claim', undefined, 'viewer'],
    ['a ContentDeveloper (Course Builder)', [`${LIS}/membership#ContentDeveloper`], 'moderator'],
    ['a course Administrator', [`${LIS}/membership#Administrator`], 'moderator'],
    ['an institution Administrator only', [`${LIS}/institution/person#Administrator`], 'moderator'],
    ['a Mentor', [`${LIS}/membership#Mentor`], 'viewer'],
    ['a Grader', [`${LIS}/membership/Instructor#Grader`], 'viewer'],
    ['the LTI 1.1 short name Instructor', ['Instructor'], 'moderator'],
    ['junk values', [42, null, 'not a role'], 'viewer'],
  ])('maps %s to %s', (_name, roles, expected) => {
    expect(roleFromLaunch(roles, defaults)).toBe(expected);
  });
});

describe('a platform role map', () => {
  it('overrides the defaults, in any spelling, and the highest role wins', () => {
    const map = buildRoleMap({
      Instructor: 'host',
      [`${LIS}/membership/Instructor#TeachingAssistant`]: 'viewer',
      'urn:lti:role:ims/lis/Mentor': 'moderator',
    });
    expect(roleFromLaunch([`${LIS}/membership#Instructor`], map)).toBe('host');
    expect(roleFromLaunch([`${LIS}/membership/Instructor#TeachingAssistant`], map)).toBe('viewer');
    expect(roleFromLaunch([`${LIS}/membership#Mentor`], map)).toBe('moderator');
    expect(
      roleFromLaunch([`${LIS}/membership/Instructor#TeachingAssistant`, `${LIS}/membership#Instructor`], map),
    ).toBe('host');
    expect(roleFromLaunch([`${LIS}/system/person#Administrator`], map)).toBe('moderator');
  });
});
