import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../sealing';

/**
 * The `guestlink_host` custom parameter, made tamper-evident.
 *
 * Deep Linking puts it in the placed item so the instructor who placed a room becomes its host,
 * even when a student happens to open it first. But platforms show custom parameters in an
 * editable field (Moodle's "Custom parameters"), so a plain user id there would let anyone who can
 * edit the activity name any user — a student — as host. Guestlink therefore signs the value
 * (HMAC-SHA256 with a key derived from APP_SECRET) over the platform, deployment, course and user,
 * and honours it only when the signature checks out for the launch's own platform, deployment and
 * course. An edited, truncated, copied-to-another-course or old unsigned value is ignored as if
 * absent: the host is then the first launcher whose platform-signed roles make them a moderator.
 */

const VERSION = 'v1';

export interface PlacementScope {
  platformId: string;
  deploymentId: string;
  contextId: string;
}

export class PlacedByStamp {
  private readonly key: Buffer;

  constructor(appSecret: string) {
    this.key = deriveKey(appSecret, 'deep-linking-placed-by');
  }

  /** The parameter's value for an item `userId` places in `scope`: `v1.<userId>.<mac>`. */
  sign(scope: PlacementScope, userId: string): string {
    return `${VERSION}.${userId}.${this.mac(scope, userId)}`;
  }

  /** The user a genuine value names for this scope, or null for anything else. */
  verify(scope: PlacementScope, value: unknown): string | null {
    if (typeof value !== 'string' || !value.startsWith(`${VERSION}.`)) return null;
    const macAt = value.lastIndexOf('.');
    const userId = value.slice(VERSION.length + 1, macAt);
    if (macAt <= VERSION.length || userId === '') return null;
    const expected = Buffer.from(this.mac(scope, userId));
    const given = Buffer.from(value.slice(macAt + 1));
    return expected.length === given.length && timingSafeEqual(expected, given) ? userId : null;
  }

  private mac(scope: PlacementScope, userId: string): string {
    // JSON keeps the fields apart: no choice of ids can make two different tuples sign alike.
    const message = JSON.stringify([VERSION, scope.platformId, scope.deploymentId, scope.contextId, userId]);
    return createHmac('sha256', this.key).update(message).digest('base64url');
  }
}
