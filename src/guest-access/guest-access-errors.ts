import { AppError, ConflictError } from '../errors';
import { text, type LocalizedText } from '../i18n/translator';

export class FeatureDisabledError extends AppError {
  constructor() {
    super(403, 'FEATURE_DISABLED', text('guestAccess:errors.featureDisabled'));
  }
}

export class UnsupportedRoomTypeError extends ConflictError {
  constructor() {
    super('UNSUPPORTED_ROOM_TYPE', text('guestAccess:errors.unsupportedRoomType'));
  }
}

export class LinkLimitReachedError extends ConflictError {
  constructor() {
    super('LINK_LIMIT_REACHED', text('guestAccess:errors.linkLimitReached'));
  }
}

export class NameTakenError extends ConflictError {
  constructor() {
    super('NAME_TAKEN', text('guestAccess:errors.nameTaken'), {
      field: 'name',
    });
  }
}

export class GuestAccessDisabledError extends ConflictError {
  constructor() {
    super('GUEST_ACCESS_DISABLED', text('guestAccess:errors.guestAccessDisabled'));
  }
}

export class ClicksBelowUsedError extends AppError {
  constructor(message: LocalizedText) {
    super(400, 'CLICKS_BELOW_USED', message, { field: 'clicks' });
  }
}
