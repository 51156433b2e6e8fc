import { ConflictError } from '../errors';

export class NotWaitingError extends ConflictError {
  constructor() {
    super('NOT_WAITING', 'This guest is no longer waiting: someone else decided, or the guest left.');
  }
}
