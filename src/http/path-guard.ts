import type { RequestHandler } from 'express';
import { ValidationError } from '../errors';

/** Ids Guestlink makes itself (rooms, links, visits) are crypto.randomUUID()s. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The live session's participant ids (live.routes.ts checks the same shape in bodies). */
const PARTICIPANT_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** C0 controls and DEL: NUL among them, which PostgreSQL refuses inside text. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

interface IdInPath {
  /** Matches the path (case-insensitively, as express routes do); group 1 is the id. */
  where: RegExp;
  field: string;
  what: string;
  shape: RegExp;
}

const IDS_IN_PATHS: IdInPath[] = [
  { where: /^\/(?:api\/|guest\/)?rooms\/([^/]+)/i, field: 'roomId', what: 'room', shape: UUID },
  { where: /^\/api\/rooms\/[^/]+\/guest-links\/([^/]+)/i, field: 'linkId', what: 'guest link', shape: UUID },
  {
    where: /^\/api\/rooms\/[^/]+\/lobby\/([^/]+)\/(?:admit|deny)\/?$/i,
    field: 'visitId',
    what: 'guest visit',
    shape: UUID,
  },
  {
    where: /^\/(?:api|guest)\/rooms\/[^/]+\/live\/participants\/([^/]+)/i,
    field: 'targetId',
    what: 'participant',
    shape: PARTICIPANT_ID,
  },
];

/** What is wrong with a request path, or null. Exported for the tests' table of routes. */
export function pathProblem(path: string): ValidationError | null {
  let segments: string[];
  try {
    segments = path.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return new ValidationError('The address contains a broken %-escape.', 'path');
  }
  if (segments.some((segment) => CONTROL_CHARACTERS.test(segment)))
    return new ValidationError('The address contains a control character (such as NUL).', 'path');
  for (const id of IDS_IN_PATHS) {
    const match = id.where.exec(path);
    if (match && !id.shape.test(decodeURIComponent(match[1]!)))
      return new ValidationError(
        `The address does not name a ${id.what}: ${id.field} is malformed.`,
        id.field,
      );
  }
  return null;
}

/**
 * The first check of every request, before any router, rate limit or ltijs: an address that
 * cannot be decoded, carries control characters, or names an id of a shape Guestlink never
 * makes gets a 400 here, instead of a 500 from a router's decoding or a database's refusal
 * further in. Ids of the right shape that name nothing still get each route's own 404.
 */
export const rejectMalformedPaths: RequestHandler = (req, _res, next) => {
  next(pathProblem(req.path) ?? undefined);
};
