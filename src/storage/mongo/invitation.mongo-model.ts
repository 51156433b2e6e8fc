import { Schema, type Connection, type Model } from 'mongoose';
import type { AccessState } from '../../guests/guest';
import { EMAIL_STATUSES, type Invitation } from '../../invitations/invitation';
import { LOCALES } from '../../i18n/locales';
import { INVITE_ROLES } from '../../rooms/room-role';
import type { PlatformDoc } from './platform.mongo-store';
import type { RoomDoc } from './room.mongo-store';

/** An invitation as stored: the domain invitation under `_id`, plus what only the store needs. */
export interface InvitationDoc extends Omit<Invitation, 'id'> {
  _id: string;
  emailKey: string;
  tokenHash: string;
  claimHash: string | null;
  revokedBy: string | null;
  /**
   * True until revoked or replaced (an expired invitation whose address was invited again):
   * the partial unique index on (roomId, emailKey) covers these only.
   */
  live: boolean;
  replacedAt?: Date | null;
  /** The invitation that replaced it. */
  replacedBy?: string | null;
}

const nullableString = { type: String, default: null };
const nullableDate = { type: Date, default: null };

const invitationSchema = new Schema<InvitationDoc>(
  {
    _id: { type: String, required: true },
    roomId: { type: String, required: true },
    tokenSeed: { type: String, required: true },
    tokenHash: { type: String, required: true },
    name: { type: String, required: true, minlength: 1, maxlength: 80 },
    email: { type: String, required: true, minlength: 3, maxlength: 254 },
    emailKey: { type: String, required: true },
    role: { type: String, required: true, enum: INVITE_ROLES },
    // Invitations stored before their language was kept were written in English.
    locale: { type: String, required: true, enum: LOCALES, default: 'en' },
    expiresAt: nullableDate,
    startsAt: nullableDate,
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    createdByName: nullableString,
    claimedAt: nullableDate,
    claimHash: nullableString,
    visitId: nullableString,
    lastJoinedAt: nullableDate,
    revokedAt: nullableDate,
    revokedBy: nullableString,
    revokedByName: nullableString,
    live: { type: Boolean, required: true },
    replacedAt: nullableDate,
    replacedBy: nullableString,
    emailStatus: { type: String, required: true, enum: EMAIL_STATUSES, default: 'not-sent' },
    emailError: { type: String, default: null, maxlength: 500 },
    emailSentAt: nullableDate,
  },
  { versionKey: false },
);
// One invitation per address and room until it is revoked or replaced (as links' live_name: a boolean
// filter, which every server accepts in a partial index).
invitationSchema.index(
  { roomId: 1, emailKey: 1 },
  { name: 'live_email', unique: true, partialFilterExpression: { live: { $eq: true } } },
);
invitationSchema.index({ tokenHash: 1 }, { unique: true });
invitationSchema.index({ roomId: 1, createdAt: -1 });
invitationSchema.index({ revokedAt: 1 });
invitationSchema.index({ expiresAt: 1 });

export function invitationModel(connection: Connection): Model<InvitationDoc> {
  return connection.model<InvitationDoc>('Invitation', invitationSchema, 'invitations');
}

/**
 * A room's lease on creating invitations: MongoDB has no transactions here, so creates in one
 * room take turns under this document (see MongoInvitationStore.create).
 */
export interface InvitationLockDoc {
  _id: string;
  holder: string;
  until: Date;
}

const lockSchema = new Schema<InvitationLockDoc>(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    until: { type: Date, required: true },
  },
  { versionKey: false },
);

export function invitationLockModel(connection: Connection): Model<InvitationLockDoc> {
  return connection.model<InvitationLockDoc>('InvitationLock', lockSchema, 'invitation_locks');
}

export function toInvitation(doc: InvitationDoc): Invitation {
  return {
    id: doc._id,
    roomId: doc.roomId,
    name: doc.name,
    email: doc.email,
    role: doc.role,
    locale: doc.locale ?? 'en',
    tokenSeed: doc.tokenSeed,
    expiresAt: doc.expiresAt ?? null,
    startsAt: doc.startsAt ?? null,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
    createdByName: doc.createdByName ?? null,
    claimedAt: doc.claimedAt ?? null,
    visitId: doc.visitId ?? null,
    lastJoinedAt: doc.lastJoinedAt ?? null,
    revokedAt: doc.revokedAt ?? null,
    revokedByName: doc.revokedByName ?? null,
    emailStatus: doc.emailStatus,
    emailError: doc.emailError ?? null,
    emailSentAt: doc.emailSentAt ?? null,
  };
}

/**
 * What decides whether an invitation's link still lets the invitee in, shaped as a guest
 * link's AccessState (as the SQL view invitation_access): revoked stands for deleted, and the
 * guest-link switch does not apply to invitations.
 */
export function invitationAccessState(
  invitation: Pick<InvitationDoc, 'revokedAt' | 'expiresAt'>,
  room: RoomDoc | null,
  platform: PlatformDoc | null,
): AccessState {
  const modules = (platform?.settings as { modules?: Record<string, unknown> } | undefined)?.modules;
  return {
    linkDeleted: invitation.revokedAt != null,
    linkExpiresAt: invitation.expiresAt ?? null,
    guestAccessEnabled: true,
    roomAvailable: Boolean(
      room &&
      room.deletedAt == null &&
      platform?.active &&
      platform.deploymentIds.includes(room.deploymentId),
    ),
    modulesEnabled: modules?.invitetomedia === true && modules?.mediapage === true,
    roomSupportsGuests: room?.roomType === 'room',
  };
}
