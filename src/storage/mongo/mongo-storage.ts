import type { Connection } from 'mongoose';
import type { Logger } from '../../logger';
import type { Storage } from '../storage';
import { auditModel } from './audit-events.mongo-model';
import { openMongoConnection } from './connection';
import { MongoGuestAccessStore, linkModel } from './guest-access.mongo-store';
import { visitModel } from './guest-visits.mongo-model';
import { MongoGuestStore } from './guest.mongo-store';
import { invitationLockModel, invitationModel } from './invitation.mongo-model';
import { MongoInvitationStore } from './invitation.mongo-store';
import { ThrottledRoomEvents } from '../../rooms/throttled-room-events';
import { isLiveEvent, LIVE_CHANNEL } from '../../live/live-events';
import { MongoEventChannel, eventModel, jsonEventCodec, lobbyEventCodec } from './event-channel.mongo';
import { MongoLiveStore, liveParticipantModel, liveRemovalModel } from './live.mongo-store';
import { MongoLoginStateStore, loginStateModel } from './login-state.mongo-store';
import { MongoPlatformStore, platformModel } from './platform.mongo-store';
import { purgeRetention } from './retention.mongo';
import { MongoRoomStore, roomModel } from './room.mongo-store';
import { MongoSandboxKeyStore, sandboxKeyModel } from './sandbox-key.mongo-store';

/** /readyz must answer quickly; a server that is gone should not hold it for the selection timeout. */
const PING_TIMEOUT_MS = 2000;

function modelsOn(connection: Connection) {
  return {
    platforms: platformModel(connection),
    rooms: roomModel(connection),
    links: linkModel(connection),
    visits: visitModel(connection),
    invitations: invitationModel(connection),
    invitationLocks: invitationLockModel(connection),
    audit: auditModel(connection),
    loginStates: loginStateModel(connection),
    sandboxKeys: sandboxKeyModel(connection),
    events: eventModel(connection),
    liveParticipants: liveParticipantModel(connection),
    liveRemovals: liveRemovalModel(connection),
  };
}

/** Builds every store on one connection; `url` is handed to ltijs for its own documents. */
export async function mongoStorageOn(
  connection: Connection,
  options: { url: string; connectTimeoutMs: number; logger: Logger },
): Promise<Storage> {
  const models = modelsOn(connection);
  // Before the first request: the unique indexes are what keeps concurrent writes
  // within the rules, and the TTL indexes what expires login states and lobby events.
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  const lobbyChannel = new MongoEventChannel(connection, models.events, options.logger, lobbyEventCodec);
  const lobbyEvents = new ThrottledRoomEvents(lobbyChannel);
  const liveEvents = new MongoEventChannel(
    connection,
    models.events,
    options.logger,
    jsonEventCodec(LIVE_CHANNEL, isLiveEvent),
  );
  return {
    backend: 'mongodb',
    platforms: new MongoPlatformStore(models.platforms),
    rooms: new MongoRoomStore(models.rooms),
    guestAccess: new MongoGuestAccessStore(models),
    guests: new MongoGuestStore(models),
    invitations: new MongoInvitationStore(models),
    lobbyEvents,
    live: new MongoLiveStore({
      participants: models.liveParticipants,
      removals: models.liveRemovals,
      visits: models.visits,
      invitations: models.invitations,
      audit: models.audit,
    }),
    liveEvents,
    loginStates: new MongoLoginStateStore(models.loginStates),
    sandboxKeys: new MongoSandboxKeyStore(models.sandboxKeys),
    // ltijs connects its own (bundled, global) mongoose to the same database. Its own
    // default connectTimeoutMS is 300000: bound its sockets like ours.
    ltiDatabase: {
      url: options.url,
      connection: {
        serverSelectionTimeoutMS: options.connectTimeoutMs,
        connectTimeoutMS: options.connectTimeoutMs,
      },
    },
    async ping() {
      await connection.db!.admin().command({ ping: 1 }, { timeoutMS: PING_TIMEOUT_MS });
    },
    async purgeExpired() {
      // The TTL monitor also removes these, but only about once a minute.
      await models.loginStates.deleteMany({ expiresAt: { $lte: new Date() } });
      await purgeRetention(models);
    },
    async close() {
      await lobbyEvents.flush().catch(() => undefined);
      await lobbyChannel.stopAll();
      await liveEvents.stopAll();
      await connection.close();
    },
  };
}

/** Connects to MongoDB (bounded by DB_CONNECT_TIMEOUT_MS), creates indexes, returns the stores. */
export async function openMongoStorage(
  url: string,
  options: { connectTimeoutMs: number; logger: Logger },
): Promise<Storage> {
  const connection = await openMongoConnection({ url, connectTimeoutMs: options.connectTimeoutMs });
  try {
    return await mongoStorageOn(connection, { url, ...options });
  } catch (error) {
    await connection.close(true).catch(() => undefined);
    throw error;
  }
}
