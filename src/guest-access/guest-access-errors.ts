import { AppError, ConflictError } from '../errors';

export class FeatureDisabledError extends AppError {
  constructor() {
    super(
      403,
      'FEATURE_DISABLED',
      "Guest access is not available here: it needs the Invitetomedia module and the Theming module's 'mediapage' feature.",
    );
  }
}

export class UnsupportedRoomTypeError extends ConflictError {
  constructor() {
    super('UNSUPPORTED_ROOM_TYPE', 'Guest access is not supported for media gallery rooms.');
  }
}

export class LinkLimitReachedError extends ConflictError {
  constructor() {
    super('LINK_LIMIT_REACHED', 'This room already has 3 guest links. Delete one to create another.');
  }
}

export class NameTakenError extends ConflictError {
  constructor() {
    super('NAME_TAKEN', 'A link with this name already exists in this room. Choose another name.', {
      field: 'name',
    });
  }
}

export class GuestAccessDisabledError extends ConflictError {
  constructor() {
    super('GUEST_ACCESS_DISABLED', 'Turn on guest access before creating links.');
  }
}

export class ClicksBelowUsedError extends AppError {
  constructor(message: string) {
    super(400, 'CLICKS_BELOW_USED', message, { field: 'clicks' });
  }
}
