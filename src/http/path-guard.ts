import type { RequestHandler } from 'express';
import { NotFoundError, ValidationError, type AppError } from '../errors';
import { text, type LocalizedText } from '../i18n/translator';

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
  /** "There is no room with that id." */
  notFound: LocalizedText;
  shape: RegExp;
}

const IDS_IN_PATHS: IdInPath[] = [
  {
    where: /^\/(?:api\/|guest\/)?rooms\/([^/]+)/i,
    field: 'roomId',
    notFound: text('errors:path.noRoom'),
    shape: UUID,
  },
  {
    where: /^\/api\/rooms\/[^/]+\/guest-links\/([^/]+)/i,
    field: 'linkId',
    notFound: text('errors:path.noGuestLink'),
    shape: UUID,
  },
  {
    // "settings" is the room's Invite users setting, not an invitation.
    where: /^\/api\/rooms\/[^/]+\/invitations\/(?!settings\/?$)([^/]+)/i,
    field: 'invitationId',
    notFound: text('errors:path.noInvitation'),
    shape: UUID,
  },
  {
    where: /^\/api\/rooms\/[^/]+\/lobby\/([^/]+)\/(?:admit|deny|message)\/?$/i,
    field: 'visitId',
    notFound: text('errors:path.noGuestVisit'),
    shape: UUID,
  },
  {
    where: /^\/(?:api|guest)\/rooms\/[^/]+\/live\/participants\/([^/]+)/i,
    field: 'targetId',
    notFound: text('errors:path.noParticipant'),
    shape: PARTICIPANT_ID,
  },
];

/** The segment decoded, or why it cannot be: a broken %-escape or a control character. */
function decodeSegment(segment: string): string | 'broken' | 'control' {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return 'broken';
  }
  return CONTROL_CHARACTERS.test(decoded) ? 'control' : decoded;
}

/** Whole sentences: the id's field name ("roomId") is the only value. */
const UNREADABLE_ID: Record<'broken' | 'control', string> = {
  broken: 'errors:path.idBrokenEscape',
  control: 'errors:path.idControlCharacter',
};
const UNREADABLE_PATH: Record<'broken' | 'control', LocalizedText> = {
  broken: text('errors:path.brokenEscape'),
  control: text('errors:path.controlCharacter'),
};

/** What is wrong with a request path, or null. */
export function pathProblem(path: string): AppError | null {
  for (const id of IDS_IN_PATHS) {
    const match = id.where.exec(path);
    if (!match) continue;
    const value = decodeSegment(match[1]!);
    if (value === 'broken' || value === 'control')
      return new ValidationError(text(UNREADABLE_ID[value], { field: id.field }), id.field);
    // Readable, but of a shape Guestlink never makes: it names nothing, as the route would say.
    if (!id.shape.test(value)) return new NotFoundError(id.notFound, { field: id.field });
  }
  for (const segment of path.split('/')) {
    const value = decodeSegment(segment);
    if (value === 'broken' || value === 'control') return new ValidationError(UNREADABLE_PATH[value], 'path');
  }
  return null;
}

/**
 * The first check of every request, before any router, rate limit or ltijs: an address that
 * cannot be decoded, carries control characters, or names an id of a shape Guestlink never
 * makes is answered here (400, or 404 for an id that names nothing), instead of a 500 from a
 * router's decoding or a database's refusal further in. Ids of the right shape that name
 * nothing still get each route's own 404.
 */
export const rejectMalformedPaths: RequestHandler = (req, _res, next) => {
  next(pathProblem(req.path) ?? undefined);
};
