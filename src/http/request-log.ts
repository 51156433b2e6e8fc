import type { RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger';

function requestId(res: { setHeader(name: string, value: string): unknown }): string {
  const id = randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * The URL as logged. Guestlink refuses an ltik in a URL (lti/ltik-transport.ts), but the
 * refused request is logged too: every occurrence, in any letter case, %-escaped or not.
 */
export function withoutLtik(url: string): string {
  return url.replace(/((?:^|[?&;])(?:l|%6c)(?:t|%74)(?:i|%69)(?:k|%6b)(?:=|%3d))[^&;#]*/gi, '$1…');
}

/**
 * A login request's and the sandbox's OIDC parameters are one-time credentials of a launch:
 * the logged URL keeps their names and drops their values.
 */
const LAUNCH_SECRET_PARAMETERS = /([?&;](?:login_hint|lti_message_hint|state|nonce|id_token)=)[^&;#]*/gi;

export function withoutLaunchSecrets(url: string): string {
  return url.replace(LAUNCH_SECRET_PARAMETERS, '$1…');
}

/**
 * One log line per request (at info), with a request id that error pages quote.
 * Above info only the id is kept: pino-http's per-request logger costs more than the
 * guest entry page's own work under a surge.
 */
export function requestLog(logger: Logger): RequestHandler {
  if (!logger.isLevelEnabled('info')) {
    return (req, res, next) => {
      (req as { id?: string }).id = requestId(res);
      next();
    };
  }
  return pinoHttp({
    logger,
    genReqId: (_req, res) => requestId(res),
    autoLogging: {
      ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || !!req.url?.startsWith('/static/'),
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      // Never log ltiks (they authenticate), nor every response header.
      req: (req: { method: string; url: string; id: string }) => ({
        id: req.id,
        method: req.method,
        url: withoutLaunchSecrets(withoutLtik(req.url)),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
