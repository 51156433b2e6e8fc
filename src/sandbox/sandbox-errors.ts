import { AppError } from '../errors';

/** The sandbox, acting as the LMS, refuses what the tool sent it. */
export class SandboxRefusalError extends AppError {
  constructor(reason: string) {
    super(400, 'SANDBOX_REFUSED', `The LMS sandbox refused the tool's response: ${reason}`, {
      title: 'Deep Linking response refused',
    });
  }
}
