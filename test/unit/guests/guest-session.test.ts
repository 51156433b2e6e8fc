import type { Request, Response } from 'express';
import { GuestSessions } from '../../../src/guests/guest-session';

const SECRET = 'unit-test-secret-0123456789abcdefghijklmnopqrstuv';

/** Issues a pass and returns the cookie jar a browser would send back. */
function issuedPass(sessions: GuestSessions, roomId: string, visitId: string) {
  const cookies: Record<string, string> = {};
  const res = {
    cookie: (name: string, value: string) => {
      cookies[name] = value;
    },
  } as unknown as Response;
  sessions.issue(res, roomId, visitId);
  return cookies;
}

const requestWith = (cookies: Record<string, string>) => ({ cookies }) as unknown as Request;

describe('guest passes', () => {
  let clock = Date.parse('2026-11-27T10:00:00Z');
  const sessions = new GuestSessions(SECRET, false, () => clock);

  it('name their one visit in their one room', () => {
    const cookies = issuedPass(sessions, 'room-a', 'visit-1');
    expect(Object.keys(cookies)).toEqual(['gl_guest_room-a']);
    expect(sessions.visitId(requestWith(cookies), 'room-a')).toBe('visit-1');
  });

  it('open no other room, even moved to that room’s cookie', () => {
    const cookies = issuedPass(sessions, 'room-a', 'visit-1');
    expect(sessions.visitId(requestWith(cookies), 'room-b')).toBeNull();
    expect(
      sessions.visitId(requestWith({ 'gl_guest_room-b': cookies['gl_guest_room-a']! }), 'room-b'),
    ).toBeNull();
  });

  it('refuse a changed value, another signature, another secret and junk', () => {
    const pass = issuedPass(sessions, 'room-a', 'visit-1')['gl_guest_room-a']!;
    const signature = pass.slice(pass.lastIndexOf('.') + 1);
    const changed = `room-a.visit-2.${pass.split('.')[2]}.${signature}`;
    const resigned = `${pass.slice(0, pass.lastIndexOf('.'))}.${Buffer.from('x'.repeat(32)).toString('base64')}`;
    const foreign = issuedPass(new GuestSessions(`${SECRET}!`, false, () => clock), 'room-a', 'visit-1');
    for (const value of [changed, resigned, foreign['gl_guest_room-a']!, 'junk', '', 'a.b.c.d.e']) {
      expect(sessions.visitId(requestWith({ 'gl_guest_room-a': value }), 'room-a')).toBeNull();
    }
    expect(sessions.visitId(requestWith({}), 'room-a')).toBeNull();
  });

  it('expire after eight hours', () => {
    const cookies = issuedPass(sessions, 'room-a', 'visit-1');
    clock += 8 * 60 * 60 * 1000 - 1000;
    expect(sessions.visitId(requestWith(cookies), 'room-a')).toBe('visit-1');
    clock += 1000;
    expect(sessions.visitId(requestWith(cookies), 'room-a')).toBeNull();
  });
});
