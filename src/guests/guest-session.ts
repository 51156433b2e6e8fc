import type { Request, Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import { webcrypto } from 'node:crypto';
import { deriveKey } from '../sealing';

const LIFETIME_SECONDS = 8 * 60 * 60;
const COOKIE_PREFIX = 'gl_guest_';

/**
 * A guest's pass: a signed cookie naming one visit in one room, nothing else.
 * One cookie per room, so a pass for one session can never open another.
 */
export class GuestSessions {
  // Imported once: given raw bytes, jose imports a WebCrypto key on every sign and verify,
  // which was a tenth of a guest join's time under a surge.
  private readonly key: Promise<webcrypto.CryptoKey>;

  constructor(
    appSecret: string,
    private readonly secure: boolean,
  ) {
    this.key = webcrypto.subtle.importKey(
      'raw',
      deriveKey(appSecret, 'guest-session'),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
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
      .sign(await this.key);
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
      const { payload } = await jwtVerify(token, await this.key, { algorithms: ['HS256'] });
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
