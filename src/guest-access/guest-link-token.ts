import { createHash, createHmac, randomBytes } from 'node:crypto';
import { deriveKey } from '../sealing';

/** 24 base64url characters: 144 bits, derived from a 128-bit random seed. */
export const TOKEN_LENGTH = 24;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{24}$/;

export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** What the database keeps to find a link by its token without being able to rebuild it. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A kind of link with a token: its own derivation label (so tokens never coincide) and path. */
export interface TokenLinkKind {
  label: string;
  /** The public path before the token, e.g. "/g/". */
  pathPrefix: string;
}

export const GUEST_LINKS: TokenLinkKind = { label: 'guest-link-token', pathPrefix: '/g/' };
/** Invite users: one personal link per invitation. */
export const INVITATION_LINKS: TokenLinkKind = { label: 'invitation-link-token', pathPrefix: '/i/' };

/**
 * Link secrets (guest links, personal invitation links). The database stores a random seed
 * and the token's hash; the token itself is HMAC(app secret, seed), so the server can show it
 * again (copy icon) but a dump of the database alone cannot.
 */
export class GuestLinkTokens {
  private readonly key: Buffer;

  constructor(
    appSecret: string,
    private readonly publicUrl: string,
    private readonly kind: TokenLinkKind = GUEST_LINKS,
  ) {
    this.key = deriveKey(appSecret, kind.label);
  }

  mint(): { seed: string; token: string; hash: string } {
    const seed = randomBytes(16).toString('base64url');
    const token = this.tokenOf(seed);
    return { seed, token, hash: tokenHash(token) };
  }

  tokenOf(seed: string): string {
    return createHmac('sha256', this.key).update(seed).digest('base64url').slice(0, TOKEN_LENGTH);
  }

  urlOf(seed: string): string {
    return `${this.publicUrl}${this.kind.pathPrefix}${this.tokenOf(seed)}`;
  }
}
