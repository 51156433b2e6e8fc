import { createHmac } from 'node:crypto';
import { iceServersFor, TURN_CREDENTIAL_SECONDS } from '../../../src/live/ice-servers';

describe('ICE servers for a page', () => {
  const stun = { urls: 'stun:stun.example.edu:3478' };

  it('are the configured ones when no TURN secret is shared', () => {
    expect(iceServersFor({ iceServers: [stun], turn: null }, 'participant')).toEqual([stun]);
  });

  it('add a TURN credential of the page’s own that coturn’s use-auth-secret accepts until it expires', () => {
    const now = Date.parse('2026-11-29T10:00:00Z');
    const secret = 'a-shared-turn-secret';
    const servers = iceServersFor(
      {
        iceServers: [stun],
        turn: { urls: ['turn:turn.example.edu:3478', 'turns:turn.example.edu:5349'], secret },
      },
      'p-123',
      () => now,
    );
    const turn = servers[1]!;
    expect(turn.username).toBe(`${now / 1000 + TURN_CREDENTIAL_SECONDS}:p-123`);
    expect(turn.credential).toBe(createHmac('sha1', secret).update(turn.username!).digest('base64'));
    expect(turn.urls).toEqual(['turn:turn.example.edu:3478', 'turns:turn.example.edu:5349']);
    // Another page gets another credential.
    expect(
      iceServersFor({ iceServers: [], turn: { urls: ['turn:t'], secret } }, 'p-456', () => now)[0]!
        .credential,
    ).not.toBe(turn.credential);
  });
});
