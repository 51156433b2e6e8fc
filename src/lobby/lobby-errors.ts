import { ConflictError } from '../errors';
import { text } from '../i18n/translator';

export class NotWaitingError extends ConflictError {
  constructor() {
    super('NOT_WAITING', text('lobby:errors.notWaiting'));
  }
}
