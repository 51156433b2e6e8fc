import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import {
  AppError,
  NotFoundError,
  ServiceUnavailableError,
  StorageFaultError,
  ValidationError,
} from './errors';
import type { Logger } from './logger';
import { text, type LocalizedText } from './i18n/translator';
import { i18nOf } from './http/request-locale';
import { SOCKET_ERROR_CODES, UNREACHABLE_MESSAGE } from './faults/database-errors';
import { storageFault, type RecentStorageFaults } from './faults/storage-faults';

/** Page titles by status, for errors that bring none of their own. */
const STATUS_TITLES: Record<number, LocalizedText> = {
  400: text('errors:status.400'),
  401: text('errors:status.401'),
  403: text('errors:status.403'),
  404: text('errors:status.404'),
  409: text('errors:status.409'),
  410: text('errors:status.410'),
  413: text('errors:status.413'),
  429: text('errors:status.429'),
  500: text('errors:status.500'),
  503: text('errors:status.503'),
};

/** Error codes node-postgres and PGlite report when the database is gone, not when a query is wrong. */
const CONNECTION_ERROR_CODES = new Set([
  ...SOCKET_ERROR_CODES,
  '53300',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/**
 * The same outages by message alone: ltijs catches its own database errors and passes on
 * only their message. These are node-postgres's and PostgreSQL's own wordings (pg-client.ts
 * prefixes socket errors with "PostgreSQL server unreachable"), never a platform's.
 */
const CONNECTION_ERROR_MESSAGE = new RegExp(
  [
    UNREACHABLE_MESSAGE,
    'Connection terminated',
    'connection timeout',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error',
    'terminating connection due to administrator command',
    'terminating connection because of crash of another server process',
    'the database system is (starting up|shutting down|in recovery mode|not (yet )?accepting connections)',
    'sorry, too many clients already',
    'PGlite is closed',
    // The MongoDB driver's and mongoose's own wordings (ltijs's bundled mongoose too).
    'Server selection timed out after',
    'Client must be connected before running operations',
    'Topology is closed',
    'buffering timed out after',
  ].join('|'),
  'i',
);

/**
 * MongoDB driver and mongoose error classes that mean the server is unreachable. Matched
 * by name: ltijs bundles another copy of both packages, so instanceof would miss its errors.
 */
const MONGO_OUTAGE_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message, name } = error as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
  if (typeof name === 'string' && MONGO_OUTAGE_NAMES.has(name)) return true;
  return typeof message === 'string' && CONNECTION_ERROR_MESSAGE.test(message);
}

/** Turns anything thrown into an AppError; unknown errors become an opaque 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const bodyError = error as { type?: string; status?: number; expose?: boolean };
  if (bodyError?.type === 'entity.too.large') {
    return new ValidationError(text('errors:body.tooLarge'), 'body');
  }
  if (bodyError?.type === 'parameters.too.many')
    return new ValidationError(text('errors:body.tooManyFields'), 'body');
  if (bodyError?.type === 'entity.parse.failed')
    return new ValidationError(text('errors:body.invalidJson'), 'body');
  if (bodyError?.type === 'encoding.unsupported' || bodyError?.type === 'charset.unsupported') {
    return new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', text('errors:body.unsupportedEncoding'));
  }
  const fault = storageFault(error);
  if (fault) return new StorageFaultError(fault);
  if (isDatabaseUnavailable(error)) return new ServiceUnavailableError();
  if (
    typeof bodyError?.status === 'number' &&
    bodyError.status >= 400 &&
    bodyError.status < 500 &&
    bodyError.expose
  ) {
    return new AppError(bodyError.status, 'BAD_REQUEST', text('errors:badRequest'));
  }
  return new AppError(500, 'INTERNAL_ERROR', text('errors:internal'));
}

/**
 * The JSON APIs: launched users' under /api, guests' live session, invited moderators' lobby.
 * Any case: express routes ignore it.
 */
const JSON_API = /^\/(?:api\/|guest\/rooms\/[^/]+\/(?:live\/|lobby(?:\/|$)))/i;

export function wantsJson(req: Request): boolean {
  if (JSON_API.test(req.path)) return true;
  // An event stream's refusal (EventSource asks for text/event-stream only) is read by scripts.
  if (req.get('accept') === 'text/event-stream') return true;
  return req.accepts(['html', 'json']) === 'json';
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new NotFoundError(text('errors:pageNotFound')));
};

/** storageFaults, when given, hears of every full or read-only storage a request met (for /readyz). */
export function errorHandler(logger: Logger, storageFaults?: RecentStorageFaults): ErrorRequestHandler {
  return (error, req, res, _next) => {
    storageFaults?.note(error);
    const appError = toAppError(error);
    const reference = String(req.id ?? '');
    if (appError.status >= 500) {
      logger.error({ err: error, reference, method: req.method, path: req.path }, 'Request failed');
    } else {
      logger.debug({ code: appError.code, status: appError.status, path: req.path }, appError.message);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(appError.status);
    for (const [name, value] of Object.entries(appError.headers ?? {})) res.set(name, value);
    res.set('Cache-Control', 'no-store');
    const i18n = i18nOf(res);
    const message = i18n.render(appError.text);
    if (wantsJson(req)) {
      res.json({
        error: {
          code: appError.code,
          message,
          ...(appError.field ? { field: appError.field } : {}),
        },
      });
      return;
    }
    res.render(appError.view ?? 'message', {
      status: appError.status,
      title: i18n.render(appError.title ?? STATUS_TITLES[appError.status] ?? STATUS_TITLES[500]!),
      message,
      reference: appError.status >= 500 ? reference : undefined,
      ...appError.locals,
    });
  };
}
