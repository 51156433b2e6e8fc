import pino from 'pino';
import { DroppingLogDestination } from './log-destination';

export type Logger = pino.Logger;

const SERVICE = 'guestlink';
const STDOUT_FD = 1;

/** `destination` is stdout unless a test captures the lines. */
export function createLogger(
  level: string,
  destination: pino.DestinationStream = new DroppingLogDestination(STDOUT_FD, SERVICE),
): Logger {
  return pino(
    {
      level,
      base: { service: SERVICE },
      redact: {
        // Never an ltik or id_token (they authenticate) wherever a log call puts them.
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.body.ltik',
          'headers.authorization',
          'body.ltik',
          'id_token',
          'ltik',
          '*.ltik',
          '*.id_token',
          'email',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
