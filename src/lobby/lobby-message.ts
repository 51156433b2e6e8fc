import { z } from 'zod';
import { LOBBY_NOTE_MAX } from '../rooms/room';
import { hasForbiddenCharacters } from '../text';

/**
 * The rules for what moderators write to the lobby (the room's lobby message, a private
 * message to one waiting guest): plain text, at most LOBBY_NOTE_MAX characters, line breaks
 * allowed, other control characters and direction overrides refused (they could make the
 * text display as something else). Pure: the routes apply them, the database re-checks
 * the length (migration 009).
 */
function noteText(field: string) {
  return z
    .string({ message: `${field} must be a string.` })
    .transform((value) => value.normalize('NFC').replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .max(LOBBY_NOTE_MAX, `${field} must be at most ${LOBBY_NOTE_MAX} characters.`)
        .refine(
          (value) => !value.split('\n').some(hasForbiddenCharacters),
          `${field} must not contain control characters.`,
        ),
    );
}

/** `{ "text": "…" }` sets the lobby message; an empty text or null clears it. */
export const lobbyMessageInput = z
  .object({ text: noteText('text').nullable() })
  .strict()
  .transform(({ text }) => ({ text: text ? text : null }));

/** `{ "text": "…" }`: a private message to one waiting guest; never empty. */
export const privateMessageInput = z
  .object({ text: noteText('text').pipe(z.string().min(1, 'text must not be empty.')) })
  .strict();
