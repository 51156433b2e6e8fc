import pino from 'pino';
import { DroppingLogDestination } from './log-destination';

export type Logger = pino.Logger;

const SERVICE = 'guestlink';
const STDOUT_FD = 1;

export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: SERVICE },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'id_token', 'ltik', 'email'],
        censor: '[redacted]',
      },
    },
    new DroppingLogDestination(STDOUT_FD, SERVICE),
  );
}
