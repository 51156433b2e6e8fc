import type { Request } from 'express';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { parseJsonBody } from '../http/json-body';
import { text } from '../i18n/translator';
import { LOBBY_NOTE_MAX } from '../rooms/room';
import { hasForbiddenCharacters } from '../text';

/**
 * The rules for what moderators write to the lobby (the room's lobby message, a private
 * message to one waiting guest): plain text, at most LOBBY_NOTE_MAX characters, line breaks
 * allowed, other control characters and direction overrides refused (they could make the
 * text display as something else). The routes apply them, the database re-checks the length
 * (migration 009). Each refusal is a catalog message, so it reads in the moderator's language.
 */

/** The body's shape: JSON, one object, no field but `text` (the shared JSON rules and words). */
const noteBody = z.object({ text: z.unknown().optional() }).strict();

function noteText(value: unknown): string {
  if (typeof value !== 'string') throw new ValidationError(text('lobby:errors.textNotString'), 'text');
  const note = value.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if (note.length > LOBBY_NOTE_MAX)
    throw new ValidationError(text('lobby:errors.textTooLong', { max: LOBBY_NOTE_MAX }), 'text');
  if (note.split('\n').some(hasForbiddenCharacters))
    throw new ValidationError(text('lobby:errors.textControl'), 'text');
  return note;
}

/** `{ "text": "…" }` sets the lobby message; an empty text or null clears it. */
export function lobbyMessageInput(req: Request): { text: string | null } {
  const { text: value } = parseJsonBody(noteBody, req);
  if (value === null) return { text: null };
  const note = noteText(value);
  return { text: note ? note : null };
}

/** `{ "text": "…" }`: a private message to one waiting guest; never empty. */
export function privateMessageInput(req: Request): { text: string } {
  const note = noteText(parseJsonBody(noteBody, req).text);
  if (!note) throw new ValidationError(text('lobby:errors.textEmpty'), 'text');
  return { text: note };
}
