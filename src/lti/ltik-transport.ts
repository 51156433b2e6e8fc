import type { RequestHandler } from 'express';
import { LtikCrossSiteError, LtikInUrlError } from './ltik-errors';

/**
 * Where ltijs may take the ltik from. In its "ltiaas" mode (provider.ts) the ltik alone
 * authenticates, wherever ltijs finds it (Utils/Server.js): the query string, a form body's
 * `ltik` field or `Authorization: Bearer`. Runs inside ltijs's app, after its ltik extraction
 * and before its session check (ltijs-workarounds.ts header), and narrows that to:
 *
 * - **Never the query string** (400, not stripped): an address with an ltik is already a leak
 *   (history, proxy logs, Referer), and refusing makes every caller that still builds one
 *   fail loudly in tests instead of quietly carrying the token on.
 * - **A form body only from our own pages.** A cross-site page could post someone's ltik (from
 *   its own launch, say) and sign the victim in as that user: login CSRF. Browsers send
 *   `Origin` on every POST; with `Referrer-Policy: same-origin` (launchedPagesReferrerPolicy,
 *   below) it is the real origin on same-origin posts. `Sec-Fetch-Site`, when the browser sends it, must agree.
 *   A post without `Origin` is refused: every browser that can run Guestlink sends it.
 * - **The Authorization header always**: a cross-site page cannot set it (CORS is off).
 */
export function ltikTransportGuard(publicUrl: string): RequestHandler {
  const ourOrigin = new URL(publicUrl).origin;
  return (req, _res, next) => {
    if (Object.hasOwn(req.query ?? {}, 'ltik')) return next(new LtikInUrlError());
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object' && Object.hasOwn(body, 'ltik')) {
      const fetchSite = req.get('sec-fetch-site');
      const sameOrigin = req.get('origin') === ourOrigin && (!fetchSite || fetchSite === 'same-origin');
      if (!sameOrigin) return next(new LtikCrossSiteError());
    }
    next();
  };
}

/** The Referrer-Policy of the launched users' pages: see launchedPagesReferrerPolicy. */
export const LAUNCHED_PAGES_REFERRER_POLICY = 'same-origin';

/**
 * Launched users' pages send no Referer to another site, as every page does, but keep it
 * (and with it `Origin`) for their own origin. Elsewhere Guestlink sends `no-referrer`
 * (security-headers.ts, partials/head.ejs); with it browsers send `Origin: null` on
 * same-origin posts too (Fetch, "append a request Origin header"), and the forms that carry
 * the ltik would look like cross-site ones to ltikTransportGuard. Our URLs carry no token
 * any more, so the Referer our own origin sees names nothing secret. Error pages rendered
 * for these requests get the same policy through `res.locals` (head.ejs's meta tag).
 */
export const launchedPagesReferrerPolicy: RequestHandler = (_req, res, next) => {
  res.setHeader('Referrer-Policy', LAUNCHED_PAGES_REFERRER_POLICY);
  res.locals.referrerPolicy = LAUNCHED_PAGES_REFERRER_POLICY;
  next();
};
