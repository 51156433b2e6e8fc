import { AppError } from '../errors';

/** The sandbox, acting as the LMS, refuses what the tool sent it. */
export class SandboxRefusalError extends AppError {
  constructor(reason: string) {
    super(400, 'SANDBOX_REFUSED', `The LMS sandbox refused the tool's response: ${reason}`, {
      title: 'Deep Linking response refused',
    });
  }
}

/**
 * The sandbox's answer to an authentication request it will not serve, worded like
 * Moodle's "Invalid request" page: a message hint used twice (Moodle's are single-use),
 * altered or expired.
 */
export class SandboxInvalidRequestError extends AppError {
  constructor() {
    super(
      400,
      'SANDBOX_INVALID_REQUEST',
      'This launch’s lti_message_hint was already used, was altered or has expired. Each hint works once, as in Moodle. Start again from the sandbox.',
      { title: 'Invalid request', field: 'lti_message_hint' },
    );
  }
}
