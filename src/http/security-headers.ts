import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from '../config';

/**
 * The response headers every page carries. ltijs runs its own helmet with defaults
 * unsuited to a framed LMS tool (COEP require-corp, HSTS on plain http), so the same
 * list is applied again inside ltijs's app after its helmet.
 */
export function securityHeaders(config: Config): RequestHandler[] {
  const local = config.isHttps ? [] : ['http://localhost:*', 'http://127.0.0.1:*'];
  return [
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          // blob: the guest link's QR code, fetched with the ltik in a header (guest-access.js).
          imgSrc: ["'self'", 'data:', 'blob:'],
          mediaSrc: ["'self'", 'https:', ...(config.isHttps ? [] : ['http:'])],
          // Launch hand-offs post to the LMS (Deep Linking returns).
          formAction: ["'self'", 'https:', ...local],
          // Blackboard frames the tool from each institution's own domain.
          frameAncestors: ["'self'", 'https:', ...local],
          upgradeInsecureRequests: config.isHttps ? [] : null,
        },
      },
      frameguard: false,
      crossOriginEmbedderPolicy: false,
      // "Open in new window" must keep working from inside the LMS frame.
      crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: config.isHttps,
    }),
    (_req, res, next) => {
      res.removeHeader('Cross-Origin-Embedder-Policy');
      if (!config.isHttps) res.removeHeader('Strict-Transport-Security');
      next();
    },
  ];
}
