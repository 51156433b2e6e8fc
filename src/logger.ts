import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'guestlink' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'id_token', 'ltik', 'email'],
      censor: '[redacted]',
    },
  });
}
