import { createHmac } from 'node:crypto';
import type { LiveConfig } from '../config/live-config';
import type { IceServer } from '../config/live-config';

/** How long a page's TURN credential works: a working day, and a reload mints a new one. */
export const TURN_CREDENTIAL_SECONDS = 12 * 60 * 60;

/**
 * The STUN/TURN servers a page gets: ICE_SERVERS as configured, plus, with TURN_SECRET, a TURN
 * credential of its own in coturn's "TURN REST API" form (use-auth-secret): the user name is
 * `<expiry>:<participant id>`, the password base64(HMAC-SHA1(secret, user name)). Credentials
 * that expire keep a guest link from handing out a permanent relay to whoever holds it.
 */
export function iceServersFor(
  config: Pick<LiveConfig, 'iceServers' | 'turn'>,
  participantId: string,
  now: () => number = Date.now,
): IceServer[] {
  if (!config.turn) return config.iceServers;
  const username = `${Math.floor(now() / 1000) + TURN_CREDENTIAL_SECONDS}:${participantId}`;
  const credential = createHmac('sha1', config.turn.secret).update(username).digest('base64');
  return [...config.iceServers, { urls: config.turn.urls, username, credential }];
}
