import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { Actor } from '../../rooms/room-role';

export interface AuditDoc {
  _id: Types.ObjectId;
  roomId: string;
  actorUserId: string;
  actorName: string | null;
  action: string;
  details: Record<string, unknown>;
  createdAt: Date;
}

const auditSchema = new Schema<AuditDoc>(
  {
    roomId: { type: String, required: true },
    actorUserId: { type: String, required: true },
    actorName: { type: String, default: null },
    action: { type: String, required: true },
    details: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
// Who changed guest access, when, in which room; read per room, purged by age.
auditSchema.index({ roomId: 1, createdAt: 1 });

export function auditModel(connection: Connection): Model<AuditDoc> {
  return connection.model<AuditDoc>('AuditEvent', auditSchema, 'audit_events');
}

export async function recordAudit(
  audit: Model<AuditDoc>,
  roomId: string,
  actor: Actor,
  action: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await audit.create({
    roomId,
    actorUserId: actor.userId,
    actorName: actor.name,
    action,
    details,
    createdAt: new Date(),
  });
}
