import type { Request, Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import { deriveKey } from '../sealing';

const LIFETIME_SECONDS = 8 * 60 * 60;
const COOKIE_PREFIX = 'gl_guest_';

/**
 * A guest's pass: a signed cookie naming one visit in one room, nothing else.
 * One cookie per room, so a pass for one session can never open another.
 */
export class GuestSessions {
  private readonly key: Uint8Array;

  constructor(
    appSecret: string,
    private readonly secure: boolean,
  ) {
    this.key = deriveKey(appSecret, 'guest-session');
  }

  static cookieName(roomId: string): string {
    return `${COOKIE_PREFIX}${roomId}`;
  }

  static holdsAny(req: Request): boolean {
    return Object.keys(req.cookies ?? {}).some((name) => name.startsWith(COOKIE_PREFIX));
  }

  async issue(res: Response, roomId: string, visitId: string): Promise<void> {
    const token = await new SignJWT({ room: roomId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(visitId)
      .setIssuedAt()
      .setExpirationTime(`${LIFETIME_SECONDS}s`)
      .sign(this.key);
    res.cookie(GuestSessions.cookieName(roomId), token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      path: '/',
      maxAge: LIFETIME_SECONDS * 1000,
    });
  }

  /** The visit id of a valid pass for this room, or null (missing, forged, expired, other room). */
  async visitId(req: Request, roomId: string): Promise<string | null> {
    const token = (req.cookies as Record<string, unknown> | undefined)?.[GuestSessions.cookieName(roomId)];
    if (typeof token !== 'string' || token.length > 2048) return null;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      return payload.room === roomId && typeof payload.sub === 'string' ? payload.sub : null;
    } catch {
      return null;
    }
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
