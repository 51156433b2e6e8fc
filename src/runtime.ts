import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { LtiProvider } from 'ltijs';
import { createApp } from './app';
import type { Config } from './config';
import { StartupError } from './errors';
import { launchedPagesReferrerPolicy, ltikTransportGuard } from './lti/ltik-transport';
import { securityHeaders } from './http/security-headers';
import type { Logger } from './logger';
import { JwksCache } from './lti/jwks-cache';
import { launchGuard, loginGuard } from './lti/launch-guards';
import { ltijsOutageAs503, routeLtijsKeysetFetches } from './lti/ltijs-workarounds';
import { createLtiProvider, syncLtijsPlatforms } from './lti/provider';
import { toPlatform, type Platform } from './platforms/platform';
import { LinkEntryCache } from './guest-access/link-entry-cache';
import type { LinkEntry } from './guests/guest.store';
import { createRoomEngine } from './live/engines/create-engine';
import { LiveHub } from './live/live-hub';
import { HEARTBEAT_SECONDS } from './live/live.store';
import type { RoomEngine } from './live/room-engine';
import { LobbyHub } from './lobby/lobby-hub';
import { createMailer } from './mail/nodemailer-mailer';
import { SendLimits } from './mail/send-limits';
import { StreamLimits } from './http/stream-limits';
import { PlatformRegistry } from './platforms/platform-registry';
import { SandboxPlatform } from './sandbox/sandbox-platform';
import { openStorage, type Storage } from './storage';

const MAINTENANCE_INTERVAL_MS = 60_000;

/** Everything one running instance of the tool holds; close() releases it all. */
export interface Runtime {
  app: Express;
  config: Config;
  storage: Storage;
  lti: LtiProvider;
  registry: PlatformRegistry;
  sandbox: SandboxPlatform | null;
  lobbyHub: LobbyHub;
  liveHub: LiveHub;
  engine: RoomEngine;
  /** Names this process among the instances sharing the database (live connections). */
  instanceId: string;
  /** Open live-update streams against their caps. */
  streams: StreamLimits;
  close(): Promise<void>;
}

function platformsFor(config: Config, sandbox: SandboxPlatform | null): Platform[] {
  const platforms = config.platforms.map(toPlatform);
  if (sandbox) {
    const registration = sandbox.registration(config.sandboxSettings);
    if (platforms.some((platform) => platform.id === registration.id)) {
      throw new StartupError(
        `The platforms file registers the sandbox's issuer and client id; remove that entry or set SANDBOX=off.`,
      );
    }
    platforms.push(registration);
  }
  return platforms;
}

/**
 * The composition root: opens storage, sets up ltijs with our guards, registers the
 * platforms and builds the app. server.ts and the tests both start the tool this way.
 */
export async function startRuntime(
  config: Config,
  logger: Logger,
  storageOverride?: Storage,
): Promise<Runtime> {
  const storage = storageOverride ?? (await openStorage(config, logger));
  let uninstallJwks = () => {};
  let stopLive = async () => {};
  let closeMailer = async () => {};
  try {
    const sandbox = config.sandboxEnabled
      ? await SandboxPlatform.open(storage.sandboxKeys, config.appSecret, config.sandboxUrl, config.publicUrl)
      : null;
    const platforms = platformsFor(config, sandbox);
    const registry = new PlatformRegistry(platforms);
    await storage.platforms.sync(platforms);

    const jwks = new JwksCache(new Set(platforms.map((platform) => platform.jwksUrl)));
    uninstallJwks = routeLtijsKeysetFetches(jwks);
    const guardDependencies = {
      registry,
      jwks,
      loginStates: storage.loginStates,
      publicUrl: config.publicUrl,
      clockSkewSeconds: config.lti.clockSkewSeconds,
      logger,
    };
    const lti = await createLtiProvider({
      config,
      database: storage.ltiDatabase,
      addons: [
        ...securityHeaders(config),
        launchedPagesReferrerPolicy,
        ltikTransportGuard(config.publicUrl),
        ltijsOutageAs503,
        loginGuard(guardDependencies),
        launchGuard(guardDependencies),
      ],
    });
    await syncLtijsPlatforms(lti, platforms);

    const linkEntries = new LinkEntryCache<LinkEntry>();
    const lobbyHub = new LobbyHub(
      storage.lobbyEvents,
      storage.guests,
      logger,
      (roomId) => linkEntries.forgetRoom(roomId),
      // Waiting pages say whether a host or moderator is on the stage, on every instance.
      { events: storage.liveEvents, moderatorPresent: (roomId) => storage.live.moderatorPresent(roomId) },
    );
    await lobbyHub.start();
    const instanceId = randomUUID();
    const liveHub = new LiveHub(storage.liveEvents, logger, instanceId);
    const engine = createRoomEngine(
      config.live,
      {
        deliver: (roomId, to, from, signal) => liveHub.deliver(roomId, to, from, signal),
        broadcast: (roomId, data) => liveHub.publish({ roomId, type: 'engine', data }),
        localParticipants: (roomId) => liveHub.localParticipants(roomId),
        localRoomIds: () => liveHub.localRoomIds(),
        drop: (participant) => liveHub.departed(participant, 'lost'),
      },
      config.appSecret,
      logger,
    );
    await liveHub.start(engine);
    stopLive = async () => {
      await liveHub.stop();
      await engine.close();
    };
    const streams = new StreamLimits(config.streams);
    const mailer = createMailer(config, logger);
    closeMailer = () => mailer.close();
    const app = createApp({
      config,
      logger,
      storage,
      lti,
      registry,
      sandbox,
      lobbyHub,
      linkEntries,
      liveHub,
      engine,
      instanceId,
      streams,
      mailer,
      sendLimits: new SendLimits(config.mail),
    });
    const maintenance = setInterval(() => {
      storage
        .purgeExpired()
        .catch((error: unknown) => logger.warn({ err: error }, 'Purging expired rows failed'));
    }, MAINTENANCE_INTERVAL_MS);
    maintenance.unref();
    // Keeps this instance's live participants current, and ends those of instances gone.
    const heartbeat = setInterval(() => {
      storage.live
        .touch(liveHub.localIds())
        .then((gone) => liveHub.reconcile(gone))
        .then(() => storage.live.sweepStale())
        .then((lost) => lost.forEach((participant) => liveHub.departed(participant, 'lost')))
        .catch((error: unknown) => logger.warn({ err: error }, 'Live session heartbeat failed'));
    }, HEARTBEAT_SECONDS * 1000);
    heartbeat.unref();

    return {
      app,
      config,
      storage,
      lti,
      registry,
      sandbox,
      lobbyHub,
      liveHub,
      engine,
      instanceId,
      streams,
      async close() {
        clearInterval(maintenance);
        clearInterval(heartbeat);
        await stopLive();
        await closeMailer();
        await lobbyHub.stop();
        await lti.close({ silent: true });
        uninstallJwks();
        if (!storageOverride) await storage.close();
      },
    };
  } catch (error) {
    await stopLive().catch(() => undefined);
    await closeMailer().catch(() => undefined);
    uninstallJwks();
    if (!storageOverride) await storage.close().catch(() => undefined);
    throw error;
  }
}
