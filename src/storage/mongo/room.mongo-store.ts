import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { LOBBY_NOTE_MAX, lobbyNote, type Room } from '../../rooms/room';
import type { RoomLaunch, RoomStore } from '../../rooms/room.store';
import { isDuplicateKey } from './connection';

/** A room as stored: the domain room under `_id`, plus its soft-deletion time. */
export interface RoomDoc extends Omit<Room, 'id' | 'lobbyMessage'> {
  _id: string;
  deletedAt: Date | null;
  lobbyMessage?: string | null;
  lobbyMessageUpdatedAt?: Date | null;
  lobbyMessageUpdatedBy?: string | null;
}

const nullableString = { type: String, default: null };

const roomSchema = new Schema<RoomDoc>(
  {
    _id: { type: String, required: true },
    platformId: { type: String, required: true },
    deploymentId: { type: String, required: true },
    contextId: { type: String, required: true },
    resourceLinkId: { type: String, required: true },
    title: { type: String, required: true },
    contextTitle: nullableString,
    roomType: { type: String, required: true, enum: ['room', 'media-gallery'] },
    mediaUrl: nullableString,
    hostUserId: nullableString,
    hostName: nullableString,
    guestAccessEnabled: { type: Boolean, required: true, default: false },
    lobbyEnabled: { type: Boolean, required: true, default: true },
    inviteesWait: { type: Boolean, default: false },
    // The lobby message (migration 009's columns); at most LOBBY_NOTE_MAX characters.
    lobbyMessage: { type: String, default: null, maxlength: LOBBY_NOTE_MAX },
    lobbyMessageUpdatedAt: { type: Date, default: null },
    lobbyMessageUpdatedBy: nullableString,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    deletedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
// One room per LMS resource link: concurrent first launches upsert the same document.
roomSchema.index({ platformId: 1, deploymentId: 1, contextId: 1, resourceLinkId: 1 }, { unique: true });

export function roomModel(connection: Connection): Model<RoomDoc> {
  return connection.model<RoomDoc>('Room', roomSchema, 'rooms');
}

export function toRoom(doc: RoomDoc): Room {
  return {
    id: doc._id,
    platformId: doc.platformId,
    deploymentId: doc.deploymentId,
    contextId: doc.contextId,
    resourceLinkId: doc.resourceLinkId,
    title: doc.title,
    contextTitle: doc.contextTitle ?? null,
    roomType: doc.roomType,
    mediaUrl: doc.mediaUrl ?? null,
    hostUserId: doc.hostUserId ?? null,
    hostName: doc.hostName ?? null,
    guestAccessEnabled: doc.guestAccessEnabled,
    lobbyEnabled: doc.lobbyEnabled,
    inviteesWait: doc.inviteesWait ?? false,
    lobbyMessage: lobbyNote(doc.lobbyMessage, doc.lobbyMessageUpdatedAt),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** What a launch changes in an existing room: the same rules as the SQL upsert's SET list. */
function launchChanges(room: RoomDoc, launch: RoomLaunch): Partial<RoomDoc> {
  const changes: Partial<RoomDoc> = {};
  if (room.title !== launch.title) changes.title = launch.title;
  if ((room.contextTitle ?? null) !== launch.contextTitle) changes.contextTitle = launch.contextTitle;
  if (room.roomType !== launch.roomType) changes.roomType = launch.roomType;
  if ((room.mediaUrl ?? null) !== launch.mediaUrl) changes.mediaUrl = launch.mediaUrl;
  if (room.hostUserId == null && launch.hostCandidate) {
    changes.hostUserId = launch.hostCandidate.userId;
    changes.hostName = launch.hostCandidate.name;
  } else if (
    room.hostUserId != null &&
    room.hostUserId === launch.launcherUserId &&
    launch.launcherName !== null &&
    room.hostName !== launch.launcherName
  ) {
    changes.hostName = launch.launcherName;
  }
  return changes;
}

const MAX_ATTEMPTS = 5;

export class MongoRoomStore implements RoomStore {
  constructor(private readonly rooms: Model<RoomDoc>) {}

  async openForLaunch(launch: RoomLaunch): Promise<Room> {
    const key = {
      platformId: launch.platformId,
      deploymentId: launch.deploymentId,
      contextId: launch.contextId,
      resourceLinkId: launch.resourceLinkId,
    };
    let room = await this.insertOrFind(key, launch);
    // Optimistic refresh: the update applies only if the fields it was computed from are
    // unchanged, so a concurrent launch (say, the first moderator's) is never overwritten.
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const changes = launchChanges(room, launch);
      if (Object.keys(changes).length === 0) return toRoom(room);
      const updated = await this.rooms
        .findOneAndUpdate(
          {
            _id: room._id,
            title: room.title,
            contextTitle: room.contextTitle ?? null,
            roomType: room.roomType,
            mediaUrl: room.mediaUrl ?? null,
            hostUserId: room.hostUserId ?? null,
            hostName: room.hostName ?? null,
          },
          { $set: { ...changes, updatedAt: new Date() } },
          { returnDocument: 'after' },
        )
        .lean<RoomDoc>();
      if (updated) return toRoom(updated);
      room = (await this.rooms.findById(room._id).lean<RoomDoc>())!;
    }
    return toRoom(room);
  }

  /** The room of the resource link as stored, created by this call if there was none. */
  private async insertOrFind(key: Record<string, string>, launch: RoomLaunch): Promise<RoomDoc> {
    const now = new Date();
    const upsert = () =>
      this.rooms
        .findOneAndUpdate(
          key,
          {
            $setOnInsert: {
              _id: randomUUID(),
              title: launch.title,
              contextTitle: launch.contextTitle,
              roomType: launch.roomType,
              mediaUrl: launch.mediaUrl,
              hostUserId: launch.hostCandidate?.userId ?? null,
              hostName: launch.hostCandidate?.name ?? null,
              guestAccessEnabled: false,
              lobbyEnabled: launch.lobbyDefault,
              createdAt: now,
              updatedAt: now,
              deletedAt: null,
            },
          },
          { upsert: true, returnDocument: 'after', setDefaultsOnInsert: false },
        )
        .lean<RoomDoc>();
    try {
      return (await upsert())!;
    } catch (error) {
      // Two upserts racing on the unique key: one inserts, the other may get E11000
      // (servers before 4.2 do not retry it themselves). The room exists now.
      if (!isDuplicateKey(error)) throw error;
      return (await upsert())!;
    }
  }

  async findById(id: string): Promise<Room | null> {
    const doc = await this.rooms.findById(id).lean<RoomDoc>();
    return doc ? toRoom(doc) : null;
  }
}
