import type { RequestHandler } from 'express';
import { isDatabaseUnavailable } from '../error-handler';
import { ServiceUnavailableError } from '../errors';

/**
 * ltijs's login and keyset routes answer their own 500 JSON when the database is
 * unreachable, bypassing our error handler. Turn exactly those answers into our 503
 * ("temporarily unavailable", Retry-After) so an outage looks the same everywhere.
 */
export const ltijsOutageAs503: RequestHandler = (_req, res, next) => {
  const send = res.send.bind(res);
  res.send = ((body?: unknown) => {
    if (res.statusCode === 500 && body && typeof body === 'object') {
      const message = (body as { details?: { message?: unknown } }).details?.message;
      if (typeof message === 'string' && isDatabaseUnavailable({ message })) {
        res.send = send;
        next(new ServiceUnavailableError());
        return res;
      }
    }
    return send(body);
  }) as typeof res.send;
  next();
};
