import { AppError } from '../errors';
import { text } from '../i18n/translator';

/**
 * An ltik in a URL: it would land in browser history, proxy logs and Referer headers. Guestlink
 * never puts it there since the launch answers with the page itself (README, “The launch token stays out of addresses”).
 */
export class LtikInUrlError extends AppError {
  constructor() {
    super(400, 'LTIK_IN_URL', text('lti:ltik.inUrl'), {
      title: text('lti:ltik.inUrlTitle'),
      field: 'ltik',
      locals: { hint: text('lti:ltik.inUrlHint') },
    });
  }
}

/** A form post carrying an ltik that did not come from a Guestlink page (login CSRF). */
export class LtikCrossSiteError extends AppError {
  constructor() {
    super(403, 'LTIK_CROSS_SITE', text('lti:ltik.crossSite'), {
      title: text('lti:ltik.crossSiteTitle'),
      field: 'ltik',
    });
  }
}
