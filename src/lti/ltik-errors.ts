import { AppError } from '../errors';

/**
 * An ltik in a URL: it would land in browser history, proxy logs and Referer headers. Guestlink
 * never puts it there since the launch answers with the page itself (README, “The launch token stays out of addresses”).
 */
export class LtikInUrlError extends AppError {
  constructor() {
    super(
      400,
      'LTIK_IN_URL',
      'The launch token (ltik) must not be sent in the address. Open Guestlink again from your course; scripts send it in the Authorization header.',
      {
        title: 'This address is no longer used',
        field: 'ltik',
        locals: {
          hint: 'Addresses that carried the launch token (old bookmarks, copied links) stopped working so the token no longer leaks into history and logs.',
        },
      },
    );
  }
}

/** A form post carrying an ltik that did not come from a Guestlink page (login CSRF). */
export class LtikCrossSiteError extends AppError {
  constructor() {
    super(
      403,
      'LTIK_CROSS_SITE',
      'A launch token (ltik) in a form is accepted only from Guestlink’s own pages. Open Guestlink again from your course.',
      { title: 'Request from another site refused', field: 'ltik' },
    );
  }
}
