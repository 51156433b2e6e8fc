import {
  actionRefusal,
  allowedMedia,
  canModerate,
  canPublish,
  countsTowardCap,
  liveRole,
  NO_MEDIA,
  viewFor,
  type BaseRole,
  type LiveParticipant,
  type ModeratorAction,
} from '../../../src/live/participant';

let counter = 0;
function participant(baseRole: BaseRole, overrides: Partial<LiveParticipant> = {}): LiveParticipant {
  counter += 1;
  return {
    id: `participant-${String(counter).padStart(12, '0')}`,
    roomId: 'room-1',
    identity: `user:${counter}`,
    visitId: baseRole === 'guest' ? `visit-${counter}` : null,
    name: `${baseRole} ${counter}`,
    baseRole,
    speaking: false,
    handRaisedAt: null,
    media: { ...NO_MEDIA },
    instanceId: 'instance',
    joinedAt: new Date('2026-11-29T10:00:00Z'),
    version: 1,
    ...overrides,
  };
}

describe('live roles', () => {
  it('makes hosts, moderators and invited speakers presenters, and nobody else', () => {
    expect(canPublish(participant('host'))).toBe(true);
    expect(canPublish(participant('moderator'))).toBe(true);
    expect(canPublish(participant('viewer'))).toBe(false);
    expect(canPublish(participant('guest'))).toBe(false);
    expect(canPublish(participant('guest', { speaking: true }))).toBe(true);
    expect(liveRole(participant('viewer', { speaking: true }))).toBe('speaker');
    // Speaking means nothing for those who present anyway.
    expect(liveRole(participant('moderator', { speaking: true }))).toBe('moderator');
  });

  it('lets only presenters claim to send media', () => {
    const sending = { audio: true, video: false, screen: false };
    expect(allowedMedia(participant('guest'), sending)).toBe(false);
    expect(allowedMedia(participant('guest'), NO_MEDIA)).toBe(true);
    expect(allowedMedia(participant('guest', { speaking: true }), sending)).toBe(true);
    expect(allowedMedia(participant('host'), sending)).toBe(true);
  });
});

/** An invited person (Invite users): a visit, and the invitation's role as base role. */
function invitee(role: 'viewer' | 'speaker' | 'moderator', overrides: Partial<LiveParticipant> = {}) {
  const made = participant(role, overrides);
  return { ...made, identity: `visit:invited-${made.id}`, visitId: `invited-${made.id}`, ...overrides };
}

describe('invited people’s roles', () => {
  it('makes an invited speaker a presenter by role, an invited viewer not', () => {
    expect(liveRole(invitee('speaker'))).toBe('speaker');
    expect(canPublish(invitee('speaker'))).toBe(true);
    expect(allowedMedia(invitee('speaker'), { audio: true, video: true, screen: false })).toBe(true);
    expect(canPublish(invitee('viewer'))).toBe(false);
    expect(allowedMedia(invitee('viewer'), { audio: false, video: true, screen: false })).toBe(false);
    expect(canPublish(invitee('viewer', { speaking: true }))).toBe(true);
    expect(canPublish(invitee('moderator'))).toBe(true);
  });

  it('lets invited moderators moderate as launched moderators do, and nobody else', () => {
    expect(canModerate(invitee('moderator').baseRole)).toBe(true);
    expect(canModerate(invitee('speaker').baseRole)).toBe(false);
    expect(canModerate(invitee('viewer').baseRole)).toBe(false);
    // A full room never locks out a moderator, invited or not; speakers take a place.
    expect(countsTowardCap('moderator')).toBe(false);
    expect(countsTowardCap('speaker')).toBe(true);
  });

  it('shows invited people with their role, never as guests', () => {
    const host = participant('host');
    expect(viewFor(host, invitee('speaker', { name: 'Sol Speaker' }))).toMatchObject({
      name: 'Sol Speaker',
      role: 'speaker',
      guest: false,
      invited: true,
      speaking: false,
    });
    expect(viewFor(host, participant('guest'))).toMatchObject({ guest: true, invited: false });
    expect(viewFor(host, participant('viewer'))).toMatchObject({ guest: false, invited: false });
  });
});

describe('moderators’ actions', () => {
  const act = (actor: LiveParticipant, target: LiveParticipant, action: ModeratorAction) =>
    actionRefusal({ participantId: actor.id, baseRole: actor.baseRole }, target, action)?.code ?? null;
  const host = participant('host');
  const moderator = participant('moderator');

  it('never reach the host, and reach moderators only from the host', () => {
    expect(act(moderator, host, 'remove')).toBe('OUTRANKED');
    expect(act(moderator, participant('moderator'), 'remove')).toBe('OUTRANKED');
    expect(act(host, moderator, 'remove')).toBeNull();
    expect(act(moderator, participant('moderator', { media: { ...NO_MEDIA, audio: true } }), 'mute')).toBe(
      'OUTRANKED',
    );
    expect(act(host, host, 'remove')).toBe('NOT_ON_YOURSELF');
  });

  it('send only guests back to the lobby', () => {
    expect(act(host, participant('guest'), 'lobby')).toBeNull();
    expect(act(host, participant('viewer'), 'lobby')).toBe('NOT_A_GUEST');
  });

  it('invite viewers and guests to speak once, and stop only those speaking', () => {
    expect(act(host, participant('viewer'), 'speak')).toBeNull();
    expect(act(host, participant('guest', { speaking: true }), 'speak')).toBe('ALREADY_SPEAKING');
    expect(act(host, moderator, 'speak')).toBe('ALREADY_PRESENTER');
    expect(act(host, participant('guest'), 'unspeak')).toBe('NOT_SPEAKING');
    expect(act(host, participant('guest', { speaking: true }), 'unspeak')).toBeNull();
  });

  it('treat invited people by their role: a speaker presents by role, a moderator outranks', () => {
    const speaker = invitee('speaker');
    expect(act(host, speaker, 'speak')).toBe('ALREADY_PRESENTER');
    expect(act(host, speaker, 'unspeak')).toBe('SPEAKER_BY_INVITATION');
    expect(act(moderator, speaker, 'remove')).toBeNull();
    expect(act(moderator, { ...speaker, media: { ...NO_MEDIA, audio: true } }, 'mute')).toBeNull();
    expect(act(moderator, speaker, 'lobby')).toBeNull();
    expect(act(host, invitee('viewer'), 'speak')).toBeNull();
    expect(act(host, invitee('viewer', { speaking: true }), 'unspeak')).toBeNull();
    const invitedModerator = invitee('moderator');
    expect(act(moderator, invitedModerator, 'remove')).toBe('OUTRANKED');
    expect(act(host, invitedModerator, 'remove')).toBeNull();
    // An invited moderator acts as a moderator: on guests and viewers, never on the host.
    expect(act(invitedModerator, participant('guest'), 'remove')).toBeNull();
    expect(act(invitedModerator, participant('viewer'), 'speak')).toBeNull();
    expect(act(invitedModerator, host, 'remove')).toBe('OUTRANKED');
  });

  it('mute only an open microphone and lower only a raised hand', () => {
    expect(act(host, participant('guest', { speaking: true }), 'mute')).toBe('NOT_UNMUTED');
    expect(
      act(host, participant('guest', { speaking: true, media: { ...NO_MEDIA, audio: true } }), 'mute'),
    ).toBeNull();
    expect(act(host, participant('guest'), 'lower-hand')).toBe('HAND_NOT_RAISED');
    expect(act(moderator, participant('guest', { handRaisedAt: new Date() }), 'lower-hand')).toBeNull();
  });
});

describe('what a participant learns of the others', () => {
  it('shows guests the presenters and themselves by name, everyone else only as a number', () => {
    const guest = participant('guest');
    const student = participant('viewer', { name: 'Sam Student', handRaisedAt: new Date() });
    expect(viewFor(guest, student)).toMatchObject({
      id: student.id,
      name: '',
      handRaised: false,
      guest: false,
    });
    expect(viewFor(guest, participant('host', { name: 'Ada' })).name).toBe('Ada');
    expect(viewFor(guest, participant('guest', { name: 'Speaker', speaking: true })).name).toBe('Speaker');
    expect(viewFor(guest, guest).name).toBe(guest.name);
    expect(viewFor(participant('viewer'), student).name).toBe('Sam Student');
  });

  it('shows invited viewers and speakers what guests see, invited moderators everyone', () => {
    const student = participant('viewer', { name: 'Sam Student', handRaisedAt: new Date() });
    const guest = participant('guest', { name: 'Gil Guest' });
    for (const outsider of [invitee('viewer'), invitee('speaker')]) {
      expect(viewFor(outsider, student)).toMatchObject({ name: '', handRaised: false, role: 'viewer' });
      expect(viewFor(outsider, guest).name).toBe('');
      expect(viewFor(outsider, participant('host', { name: 'Ada' })).name).toBe('Ada');
      expect(viewFor(outsider, invitee('speaker', { name: 'Sol' })).name).toBe('Sol');
      expect(viewFor(outsider, outsider).name).toBe(outsider.name);
    }
    const invitedModerator = invitee('moderator');
    expect(viewFor(invitedModerator, student)).toMatchObject({ name: 'Sam Student', handRaised: true });
    expect(viewFor(invitedModerator, guest)).toMatchObject({ name: 'Gil Guest', guest: true });
  });
});
