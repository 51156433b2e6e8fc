import { sign, unsign } from 'cookie-signature';
import type { Request, Response } from 'express';
import { deriveKey } from '../sealing';

const LIFETIME_SECONDS = 8 * 60 * 60;
const COOKIE_PREFIX = 'gl_guest_';

/**
 * A guest's pass: a signed cookie naming one visit in one room, nothing else.
 * One cookie per room, and the room inside the signed value, so a pass for one session
 * can never open another.
 *
 * Signed with cookie-signature (express's HMAC-SHA256 for cookies, synchronous) rather
 * than as a jose JWT: jose signs and verifies through WebCrypto, whose hand-off to the
 * thread pool cost 135–370 µs of CPU per join on this 2-core machine (measured in pairs,
 * bench/README.md) — a sixth of a join — and is paid again on every guest page load.
 */
export class GuestSessions {
  private readonly key: Buffer;

  constructor(
    appSecret: string,
    private readonly secure: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.key = deriveKey(appSecret, 'guest-session');
  }

  static cookieName(roomId: string): string {
    return `${COOKIE_PREFIX}${roomId}`;
  }

  static holdsAny(req: Request): boolean {
    return Object.keys(req.cookies ?? {}).some((name) => name.startsWith(COOKIE_PREFIX));
  }

  issue(res: Response, roomId: string, visitId: string): void {
    const expiresAt = Math.floor(this.now() / 1000) + LIFETIME_SECONDS;
    res.cookie(GuestSessions.cookieName(roomId), sign(`${roomId}.${visitId}.${expiresAt}`, this.key), {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      path: '/',
      maxAge: LIFETIME_SECONDS * 1000,
    });
  }

  /** The visit id of a valid pass for this room, or null (missing, forged, expired, other room). */
  visitId(req: Request, roomId: string): string | null {
    return this.pass(req, roomId)?.visitId ?? null;
  }

  /** A valid pass for this room: its visit and when it expires. */
  pass(req: Request, roomId: string): { visitId: string; expiresAt: Date } | null {
    const pass = (req.cookies as Record<string, unknown> | undefined)?.[GuestSessions.cookieName(roomId)];
    if (typeof pass !== 'string' || pass.length > 512) return null;
    const value = unsign(pass, this.key);
    if (value === false) return null;
    const [passRoom, visitId, expiresAt, ...rest] = value.split('.');
    if (rest.length > 0 || passRoom !== roomId || !visitId) return null;
    const expiresAtMs = Number(expiresAt) * 1000;
    return expiresAtMs > this.now() ? { visitId, expiresAt: new Date(expiresAtMs) } : null;
  }

  clear(res: Response, roomId: string): void {
    res.clearCookie(GuestSessions.cookieName(roomId), {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      path: '/',
    });
  }
}
