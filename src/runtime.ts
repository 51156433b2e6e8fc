import type { Express } from 'express';
import type { LtiProvider } from 'ltijs';
import { createApp } from './app';
import type { Config } from './config';
import { StartupError } from './errors';
import { securityHeaders } from './http/security-headers';
import type { Logger } from './logger';
import { JwksCache } from './lti/jwks-cache';
import { launchGuard, loginGuard } from './lti/launch-guards';
import { ltijsOutageAs503 } from './lti/ltijs-outage';
import { createLtiProvider, syncLtijsPlatforms } from './lti/provider';
import { toPlatform, type Platform } from './platforms/platform';
import { LinkEntryCache } from './guests/link-entry-cache';
import { LobbyHub } from './lobby/lobby-hub';
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
  try {
    const sandbox = config.sandboxEnabled
      ? await SandboxPlatform.open(storage.sandboxKeys, config.appSecret, config.publicUrl)
      : null;
    const platforms = platformsFor(config, sandbox);
    const registry = new PlatformRegistry(platforms);
    await storage.platforms.sync(platforms);

    const jwks = new JwksCache(new Set(platforms.map((platform) => platform.jwksUrl)));
    uninstallJwks = JwksCache.installInto(jwks);
    const guardDependencies = {
      registry,
      jwks,
      loginStates: storage.loginStates,
      publicUrl: config.publicUrl,
      clockSkewSeconds: config.lti.clockSkewSeconds,
    };
    const lti = await createLtiProvider({
      config,
      database: storage.ltiDatabase,
      addons: [
        ...securityHeaders(config),
        ltijsOutageAs503,
        loginGuard(guardDependencies),
        launchGuard(guardDependencies),
      ],
    });
    await syncLtijsPlatforms(lti, platforms);

    const linkEntries = new LinkEntryCache();
    const lobbyHub = new LobbyHub(storage.lobbyEvents, storage.guests, logger, (roomId) =>
      linkEntries.forgetRoom(roomId),
    );
    await lobbyHub.start();
    const app = createApp({ config, logger, storage, lti, registry, sandbox, lobbyHub, linkEntries });
    const maintenance = setInterval(() => {
      storage
        .purgeExpired()
        .catch((error: unknown) => logger.warn({ err: error }, 'Purging expired rows failed'));
    }, MAINTENANCE_INTERVAL_MS);
    maintenance.unref();

    return {
      app,
      config,
      storage,
      lti,
      registry,
      sandbox,
      lobbyHub,
      async close() {
        clearInterval(maintenance);
        await lobbyHub.stop();
        await lti.close({ silent: true });
        uninstallJwks();
        if (!storageOverride) await storage.close();
      },
    };
  } catch (error) {
    uninstallJwks();
    if (!storageOverride) await storage.close().catch(() => undefined);
    throw error;
  }
}
