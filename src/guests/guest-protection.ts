import type { Request, RequestHandler } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Config } from '../config';
import { TooManyRequestsError } from '../errors';
import { CsrfError } from './guest-errors';

/**
 * CSRF protection for the guest forms: a double-submit token (csrf-csrf) in a
 * strict cookie and a hidden field. Guests have no session, so the token is bound
 * to the browser by its cookie alone.
 */
export function guestCsrf(config: Config) {
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => config.appSecret,
    getSessionIdentifier: () => 'guest',
    cookieName: config.isHttps ? '__Host-gl_csrf' : 'gl_csrf',
    cookieOptions: { sameSite: 'strict', secure: config.isHttps, path: '/', httpOnly: true },
    // Forms send the token as a field; the live room's script, as a header.
    getCsrfTokenFromRequest: (req: Request) => {
      const header = req.headers['x-csrf-token'];
      if (typeof header === 'string') return header;
      const token = (req.body as Record<string, unknown> | undefined)?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
  });
  const verify: RequestHandler = (req, _res, next) =>
    next(validateRequest(req) ? undefined : new CsrfError());
  return {
    token: (req: Request, res: Parameters<typeof generateCsrfToken>[1]) => generateCsrfToken(req, res),
    verify,
  };
}

function limiter(limit: number, key: (req: Request) => string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: key,
    handler: (req, _res, next) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      next(new TooManyRequestsError(reset ? Math.ceil((reset.getTime() - Date.now()) / 1000) : 60));
    },
  });
}

/** Rate limits for the public guest routes (per instance, in memory). */
export function guestRateLimits(config: Config) {
  const clientKey = (req: Request) => `ip:${ipKeyGenerator(req.ip ?? '0.0.0.0')}`;
  return {
    pagesPerIp: limiter(config.guestLimits.pagesPerIpPerMinute, clientKey),
    joinsPerIp: limiter(config.guestLimits.joinsPerIpPerMinute, clientKey),
    joinsPerLink: limiter(
      config.guestLimits.joinsPerLinkPerMinute,
      (req) => `link:${String(req.params.token)}`,
    ),
  };
}
