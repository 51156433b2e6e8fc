import { z } from 'zod';
import type { LobbyNote } from '../rooms/room';
import { hasForbiddenCharacters } from '../text';

export const VISIT_STATUSES = ['waiting', 'admitted', 'denied', 'left', 'removed'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** Why a visit was ended by something other than a moderator's decision. */
export type OutcomeReason = 'moderator' | 'guest-access-off' | 'link-deleted' | 'lobby-off';

export interface GuestVisit {
  id: string;
  roomId: string;
  linkId: string;
  linkName: string;
  name: string;
  email: string;
  status: VisitStatus;
  outcomeReason: OutcomeReason | null;
  createdAt: Date;
  decidedAt: Date | null;
  decidedByName: string | null;
  leftAt: Date | null;
  /** A moderator took the guest out of the live session (status removed). */
  removedAt: Date | null;
  removedByName: string | null;
  /** Came after a removal: this browser waits for a moderator whatever the lobby setting. */
  mustWait: boolean;
  /** The latest private message a moderator sent this guest while waiting. */
  privateMessage: LobbyNote | null;
}

export const GUEST_NAME_MAX = 80;
export const EMAIL_MAX = 254;

/** The entry page's form. Email syntax follows the WHATWG input type=email rule. */
export const joinForm = z.object({
  name: z
    .string({ message: 'Enter your name.' })
    .transform((value) => value.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, 'Enter your name.')
        .max(GUEST_NAME_MAX, `Use at most ${GUEST_NAME_MAX} characters.`)
        .refine(
          (value) => !hasForbiddenCharacters(value),
          'Remove line breaks and other control characters.',
        ),
    ),
  email: z
    .string({ message: 'Enter your email address.' })
    .trim()
    .min(1, 'Enter your email address.')
    .max(EMAIL_MAX, `Use at most ${EMAIL_MAX} characters.`)
    .pipe(z.email({ message: 'Enter an email address like name@example.com.' })),
});

export type JoinForm = z.infer<typeof joinForm>;

/**
 * Why a guest cannot (any longer) get in. Each maps to one message page
 * (guests/guest-errors.ts); checked on every full page load of a guest.
 */
export type GuestProblem =
  | 'unknown-link'
  | 'link-invalid'
  | 'guest-access-off'
  | 'room-unavailable'
  | 'declined'
  | 'lobby-full'
  | 'removed';

/** The link, room and platform state that decides whether a guest may enter. */
export interface AccessState {
  linkDeleted: boolean;
  linkExpiresAt: Date | null;
  guestAccessEnabled: boolean;
  /** Room exists, its platform is still registered and active, its deployment still allowed. */
  roomAvailable: boolean;
  modulesEnabled: boolean;
  roomSupportsGuests: boolean;
}

export type AccessProblem = Extract<GuestProblem, 'link-invalid' | 'guest-access-off' | 'room-unavailable'>;

/** docs/product.md §8: what a page load re-checks for a guest already holding a visit. */
export function accessProblem(state: AccessState, now: Date): AccessProblem | null {
  if (!state.roomAvailable) return 'room-unavailable';
  if (!state.modulesEnabled || !state.guestAccessEnabled || !state.roomSupportsGuests)
    return 'guest-access-off';
  if (state.linkDeleted) return 'link-invalid';
  if (state.linkExpiresAt && state.linkExpiresAt.getTime() <= now.getTime()) return 'link-invalid';
  return null;
}

/** The problem a visit that was ended without the guest leaving stands for. */
export function endedVisitProblem(visit: Pick<GuestVisit, 'status' | 'outcomeReason'>): GuestProblem | null {
  if (visit.status === 'removed') return 'removed';
  if (visit.status !== 'denied') return null;
  if (visit.outcomeReason === 'guest-access-off') return 'guest-access-off';
  if (visit.outcomeReason === 'link-deleted') return 'link-invalid';
  return 'declined';
}

/** "3 min", "45 s": the lobby's waiting time. */
export function waitingTime(since: Date, now: Date): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
