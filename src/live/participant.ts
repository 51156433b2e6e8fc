/**
 * The live session's people and what each may do (docs/product.md §12). Pure rules: the
 * service applies them on every request, the stores keep them under concurrency.
 */
import { text, type LocalizedText } from '../i18n/translator';

/**
 * What a participant is in the room regardless of speaking: from the launch, a guest link, or
 * an invitation (Invite users: viewer, speaker or moderator; a speaker presents by role).
 */
export const BASE_ROLES = ['host', 'moderator', 'speaker', 'viewer', 'guest'] as const;
export type BaseRole = (typeof BASE_ROLES)[number];

/** The role the room shows: a viewer or guest invited to speak is a speaker until stopped. */
export const LIVE_ROLES = ['host', 'moderator', 'speaker', 'viewer', 'guest'] as const;
export type LiveRole = (typeof LIVE_ROLES)[number];

export interface MediaState {
  audio: boolean;
  video: boolean;
  screen: boolean;
}

export const NO_MEDIA: MediaState = Object.freeze({ audio: false, video: false, screen: false });

/** One browser connected to a room's live session. Its id is also its connection's id. */
export interface LiveParticipant {
  id: string;
  roomId: string;
  /**
   * `user:<LMS user id>` or `visit:<visit id>` (a guest's or an invited person's): one connection
   * per identity and room.
   */
  identity: string;
  visitId: string | null;
  name: string;
  baseRole: BaseRole;
  /** Invited to speak (viewers and guests only): presenter rights until stopped. */
  speaking: boolean;
  handRaisedAt: Date | null;
  /** What the participant sends now (presenters only). */
  media: MediaState;
  /** The instance of the tool that holds this participant's event stream. */
  instanceId: string;
  joinedAt: Date;
  /** Grows with every change: events that arrive out of order are told apart by it. */
  version: number;
}

export function identityOfUser(userId: string): string {
  return `user:${userId}`;
}

export function identityOfVisit(visitId: string): string {
  return `visit:${visitId}`;
}

export function liveRole(participant: Pick<LiveParticipant, 'baseRole' | 'speaking'>): LiveRole {
  if (participant.speaking && (participant.baseRole === 'viewer' || participant.baseRole === 'guest'))
    return 'speaker';
  return participant.baseRole;
}

/**
 * Hosts, moderators and speakers (invited as speakers, or invited to speak) send camera,
 * microphone and screen; everyone else only receives.
 */
export function canPublish(participant: Pick<LiveParticipant, 'baseRole' | 'speaking'>): boolean {
  const role = liveRole(participant);
  return role === 'host' || role === 'moderator' || role === 'speaker';
}

export function canModerate(baseRole: BaseRole): boolean {
  return baseRole === 'host' || baseRole === 'moderator';
}

/** Someone who came in by invitation (a visit that is not a guest link's). */
export function isInvitee(participant: Pick<LiveParticipant, 'visitId' | 'baseRole'>): boolean {
  return participant.visitId !== null && participant.baseRole !== 'guest';
}

/**
 * Outsiders to the course see only presenters and themselves by name: guests, and invited
 * viewers and speakers. Invited moderators run the room, so they see everyone.
 */
export function isOutsider(participant: Pick<LiveParticipant, 'visitId' | 'baseRole'>): boolean {
  return participant.visitId !== null && !canModerate(participant.baseRole);
}

/** The cap on participants leaves hosts and moderators out: a full room never locks out its teacher. */
export function countsTowardCap(baseRole: BaseRole): boolean {
  return !canModerate(baseRole);
}

export const MODERATOR_ACTIONS = ['remove', 'lobby', 'speak', 'unspeak', 'mute', 'lower-hand'] as const;
export type ModeratorAction = (typeof MODERATOR_ACTIONS)[number];

/** Why an action is refused: the status it answers with and a sentence for the person (a catalog key). */
export interface ActionRefusal {
  status: 403 | 409;
  code: string;
  message: LocalizedText;
}

const refuse = (status: 403 | 409, code: string, message: LocalizedText): ActionRefusal => ({
  status,
  code,
  message,
});

/**
 * Whether `actor`, a host or moderator (live.service.ts checks that), may do `action` to
 * `target` now. The host outranks moderators; nobody acts on themselves here (raising and
 * lowering one's own hand has its own route).
 */
export function actionRefusal(
  actor: { participantId: string | null; baseRole: BaseRole },
  target: LiveParticipant,
  action: ModeratorAction,
): ActionRefusal | null {
  if (actor.participantId === target.id)
    return refuse(409, 'NOT_ON_YOURSELF', text('live:refused.notOnYourself'));
  const outranked =
    target.baseRole === 'host' || (target.baseRole === 'moderator' && actor.baseRole !== 'host');
  switch (action) {
    case 'remove':
      return outranked ? refuse(403, 'OUTRANKED', text('live:refused.outrankedRemove')) : null;
    case 'lobby':
      return target.visitId === null ? refuse(409, 'NOT_A_GUEST', text('live:refused.notAGuest')) : null;
    case 'speak':
      if (target.baseRole !== 'viewer' && target.baseRole !== 'guest')
        return refuse(409, 'ALREADY_PRESENTER', text('live:refused.alreadyPresenter', { name: target.name }));
      return target.speaking
        ? refuse(409, 'ALREADY_SPEAKING', text('live:refused.alreadySpeaking', { name: target.name }))
        : null;
    case 'unspeak':
      // An invited speaker presents by role: changing that is the invitation's Change role.
      if (target.baseRole === 'speaker')
        return refuse(
          409,
          'SPEAKER_BY_INVITATION',
          text('live:refused.speakerByInvitation', { name: target.name }),
        );
      return target.speaking
        ? null
        : refuse(409, 'NOT_SPEAKING', text('live:refused.notSpeaking', { name: target.name }));
    case 'mute':
      if (outranked) return refuse(403, 'OUTRANKED', text('live:refused.outrankedMute'));
      return target.media.audio
        ? null
        : refuse(409, 'NOT_UNMUTED', text('live:refused.alreadyMuted', { name: target.name }));
    case 'lower-hand':
      return target.handRaisedAt
        ? null
        : refuse(409, 'HAND_NOT_RAISED', text('live:refused.handNotRaised', { name: target.name }));
  }
}

/** Media a participant may claim to send: nothing unless they may present. */
export function allowedMedia(
  participant: Pick<LiveParticipant, 'baseRole' | 'speaking'>,
  media: MediaState,
): boolean {
  return canPublish(participant) || (!media.audio && !media.video && !media.screen);
}

/** What other people in the room learn about a participant. */
export interface ParticipantView {
  id: string;
  name: string;
  role: LiveRole;
  /** Came in through a guest link: shown with a "Guest" label. */
  guest: boolean;
  /** Came in by invitation: shown with their role and "Invited", never as a guest. */
  invited: boolean;
  /** Invited to speak by a moderator (so "Stop speaking" applies); an invited speaker presents by role. */
  speaking: boolean;
  handRaised: boolean;
  media: MediaState;
  joinedAt: string;
  version: number;
}

export function participantView(participant: LiveParticipant): ParticipantView {
  return {
    id: participant.id,
    name: participant.name,
    role: liveRole(participant),
    guest: participant.baseRole === 'guest',
    invited: isInvitee(participant),
    speaking: participant.speaking,
    handRaised: participant.handRaisedAt !== null,
    media: { ...participant.media },
    joinedAt: participant.joinedAt.toISOString(),
    version: participant.version,
  };
}

/**
 * Guests and invited viewers and speakers are outsiders to the course: they see the presenters
 * (whose faces are on the stage anyway) and themselves by name, everyone else only as a number
 * in the room. Invited moderators see everyone, as they admit and remove them.
 */
export function viewFor(
  recipient: Pick<LiveParticipant, 'id' | 'baseRole' | 'visitId'>,
  participant: LiveParticipant,
): ParticipantView {
  const view = participantView(participant);
  if (!isOutsider(recipient) || participant.id === recipient.id || canPublish(participant)) return view;
  return {
    ...view,
    name: '',
    guest: false,
    invited: false,
    speaking: false,
    role: 'viewer',
    handRaised: false,
  };
}
