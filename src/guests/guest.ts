import { z } from 'zod';
import type { LobbyNote } from '../rooms/room';
import { hasForbiddenCharacters } from '../text';

export const VISIT_STATUSES = ['waiting', 'admitted', 'denied', 'left', 'removed'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** Why a visit was ended by something other than a moderator's decision. */
export type OutcomeReason =
  'moderator' | 'guest-access-off' | 'link-deleted' | 'lobby-off' | 'invitation-revoked';

export interface GuestVisit {
  id: string;
  roomId: string;
  /** The guest link joined through; null for an invited person's visit. */
  linkId: string | null;
  /** The link's name; empty for an invited person's visit. */
  linkName: string;
  /** The invitation (Invite users) this visit belongs to; null for a guest link's visit. */
  invitationId: string | null;
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
  /** The guest got in at least once: their click is kept, and they may come back without one. */
  admittedOnce: boolean;
  /** The latest private message a moderator sent this guest while waiting. */
  privateMessage: LobbyNote | null;
}

/**
 * How long after a moderator let a guest in (or they joined with the lobby off) they may
 * come back without waiting again: a long class. Past it, "Join again" puts them in the lobby.
 */
export const COMEBACK_WINDOW_MS = 3 * 60 * 60 * 1000;

/** A guest who got in and then left may re-open their own visit ("Join again"), without a click. */
export function canComeBack(visit: Pick<GuestVisit, 'status' | 'admittedOnce'>): boolean {
  return visit.status === 'left' && visit.admittedOnce;
}

/** A moderator let this guest in (or the lobby was off) less than the window ago. */
export function withinComebackWindow(
  visit: Pick<GuestVisit, 'decidedAt'>,
  now: Date,
  windowMs = COMEBACK_WINDOW_MS,
): boolean {
  return visit.decidedAt !== null && now.getTime() - visit.decidedAt.getTime() < windowMs;
}

/**
 * Until when this browser can come back without a click: its guest pass, and no later than
 * the link lasts. Null when it cannot (the guest never got in).
 */
export function freeComebackUntil(
  visit: Pick<GuestVisit, 'admittedOnce'>,
  passExpiresAt: Date,
  linkExpiresAt: Date | null,
): Date | null {
  if (!visit.admittedOnce) return null;
  return linkExpiresAt && linkExpiresAt < passExpiresAt ? linkExpiresAt : passExpiresAt;
}

/**
 * Ask before Leave when coming back may cost a click: the link counts clicks, and the pass
 * runs out within a class's length while the link still works after it — a guest leaving
 * now could well come back after that, through the entry form and with a new click.
 */
export function leaveNeedsConfirm(
  clickLimit: number | null,
  passExpiresAt: Date,
  linkExpiresAt: Date | null,
  now: Date,
): boolean {
  if (clickLimit === null) return false;
  if (linkExpiresAt && linkExpiresAt <= passExpiresAt) return false;
  return passExpiresAt.getTime() - now.getTime() < COMEBACK_WINDOW_MS;
}

export const GUEST_NAME_MAX = 80;
export const EMAIL_MAX = 254;

/**
 * The entry page's form. Email syntax follows the WHATWG input type=email rule. Its messages
 * are catalog keys: the entry page shows them in the guest's language (guest.routes.ts),
 * "errors.tooLong" with the field's maximum as {max}.
 */
export const joinForm = z.object({
  name: z
    .string({ message: 'guest:errors.nameRequired' })
    .transform((value) => value.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, 'guest:errors.nameRequired')
        .max(GUEST_NAME_MAX, 'guest:errors.tooLong')
        .refine((value) => !hasForbiddenCharacters(value), 'guest:errors.controlCharacters'),
    ),
  email: z
    .string({ message: 'guest:errors.emailRequired' })
    .trim()
    .min(1, 'guest:errors.emailRequired')
    .max(EMAIL_MAX, 'guest:errors.tooLong')
    .pipe(z.email({ message: 'guest:errors.emailInvalid' })),
});

/** The most characters each entry field takes ({max} of "errors.tooLong"). */
export const JOIN_FIELD_MAX: Record<string, number> = { name: GUEST_NAME_MAX, email: EMAIL_MAX };

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
  | 'removed'
  | 'invitee-removed'
  | 'invitation-revoked'
  | 'invitation-expired';

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

/**
 * accessProblem for a visit. An invited person's "link" is their invitation (the same columns):
 * its end is told as the invitation's, revoked or expired, never as a guest link's.
 */
export function visitAccessProblem(
  state: AccessState & { invitee: object | null },
  now: Date,
): GuestProblem | null {
  const problem = accessProblem(state, now);
  if (problem !== 'link-invalid' || !state.invitee) return problem;
  return state.linkDeleted ? 'invitation-revoked' : 'invitation-expired';
}

/** The problem a visit that was ended without the guest leaving stands for. */
export function endedVisitProblem(
  visit: Pick<GuestVisit, 'status' | 'outcomeReason' | 'invitationId'>,
): GuestProblem | null {
  if (visit.status === 'removed') {
    if (visit.outcomeReason === 'invitation-revoked') return 'invitation-revoked';
    return visit.invitationId ? 'invitee-removed' : 'removed';
  }
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
