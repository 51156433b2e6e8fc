import { AppError } from '../errors';
import { text, type LocalizedText } from '../i18n/translator';

/** The sandbox, acting as the LMS, refuses what the tool sent it: `reason` is the whole sentence. */
export class SandboxRefusalError extends AppError {
  constructor(reason: LocalizedText) {
    super(400, 'SANDBOX_REFUSED', reason, { title: text('sandbox:errors.refusedTitle') });
  }
}

/**
 * The sandbox's answer to an authentication request it will not serve, worded like
 * Moodle's "Invalid request" page: a message hint used twice (Moodle's are single-use),
 * altered or expired.
 */
export class SandboxInvalidRequestError extends AppError {
  constructor() {
    super(400, 'SANDBOX_INVALID_REQUEST', text('sandbox:errors.hintUsed'), {
      title: text('sandbox:errors.invalidRequestTitle'),
      field: 'lti_message_hint',
    });
  }
}
