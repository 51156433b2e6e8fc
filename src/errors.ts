import { inEnglish, text, type LocalizedText } from './i18n/translator';

/**
 * Expected failures. Each carries the HTTP status and a stable code; the central
 * error handler (error-handler.ts) renders them as a page or as JSON.
 */
export interface AppErrorOptions {
  /** The request field the error is about, for validation errors. */
  field?: string;
  /** A page title for HTML renderings; defaults from the status. */
  title?: LocalizedText;
  /** Extra headers for the response, e.g. Retry-After. */
  headers?: Record<string, string>;
  /** A view under views/ to render instead of the generic message page. */
  view?: string;
  /** Extra locals for that view. */
  locals?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly title?: LocalizedText;
  /** The message as a catalog key and values; Error.message keeps it in English for logs. */
  readonly text: LocalizedText;
  readonly headers?: Record<string, string>;
  readonly view?: string;
  readonly locals?: Record<string, unknown>;

  constructor(status: number, code: string, message: LocalizedText, options: AppErrorOptions = {}) {
    super(inEnglish(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.text = message;
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.field = options.field;
    this.title = options.title;
    this.headers = options.headers;
    this.view = options.view;
    this.locals = options.locals;
  }
}

export class ValidationError extends AppError {
  constructor(message: LocalizedText, field?: string, options: AppErrorOptions = {}) {
    super(400, 'VALIDATION_FAILED', message, { ...options, field });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message: LocalizedText = text('errors:unauthenticated'), options: AppErrorOptions = {}) {
    super(401, 'UNAUTHENTICATED', message, options);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: LocalizedText = text('errors:forbidden'), options: AppErrorOptions = {}) {
    super(403, 'FORBIDDEN', message, options);
  }
}

export class NotFoundError extends AppError {
  constructor(message: LocalizedText = text('errors:notFound'), options: AppErrorOptions = {}) {
    super(404, 'NOT_FOUND', message, options);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: LocalizedText, options: AppErrorOptions = {}) {
    super(409, code, message, options);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: LocalizedText = text('errors:serviceUnavailable')) {
    super(503, 'SERVICE_UNAVAILABLE', message, {
      title: text('errors:status.503'),
      headers: { 'Retry-After': '5' },
    });
  }
}

const STORAGE_FAULT_MESSAGES = {
  full: text('errors:storageFull'),
  'read-only': text('errors:storageReadOnly'),
} as const;

/** The database refuses writes: a full disk or a read-only database (faults/storage-faults.ts). */
export class StorageFaultError extends AppError {
  constructor(fault: keyof typeof STORAGE_FAULT_MESSAGES) {
    super(503, fault === 'full' ? 'STORAGE_FULL' : 'STORAGE_READ_ONLY', STORAGE_FAULT_MESSAGES[fault], {
      title: text('errors:status.503'),
      // Longer than an outage's 5 s: space is freed, or a disk remounted, by a person.
      headers: { 'Retry-After': '30' },
    });
  }
}

/** A startup failure: bad configuration, unreachable database. The process prints it and exits. */
/** Refused by a rate limit; says when to try again. */
export class TooManyRequestsError extends AppError {
  constructor(retryAfterSeconds: number, message: LocalizedText = text('errors:tooManyRequests')) {
    super(429, 'TOO_MANY_REQUESTS', message, {
      title: text('errors:status.429'),
      headers: { 'Retry-After': String(Math.max(1, retryAfterSeconds)) },
    });
  }
}

export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}
