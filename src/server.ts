import { inspect } from 'node:util';
import { loadConfig, loadDotEnv, redactDatabaseUrl } from './config';
import { StartupError } from './errors';
import { createHttpServer } from './http/http-server';
import { createLogger } from './logger';
import { printReadyMessage } from './ready-message';
import { startRuntime } from './runtime';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const runtime = await startRuntime(config, logger);
  const server = createHttpServer();
  server.on('request', runtime.app);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  logger.info(
    {
      port: config.port,
      publicUrl: config.publicUrl,
      database:
        config.database.kind === 'pglite'
          ? `PGlite in ${config.database.dataDir}`
          : redactDatabaseUrl(config.database.url),
      platforms: runtime.registry.all().map((platform) => platform.name),
      sandbox: runtime.sandbox ? `${config.publicUrl}/sandbox` : 'off',
    },
    `Guestlink is listening on ${config.publicUrl}`,
  );
  printReadyMessage(config.publicUrl, runtime.sandbox !== null);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Shutting down');
    const force = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close();
    server.closeIdleConnections();
    runtime
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // ltijs leaves some database calls un-awaited; log their failures instead of crashing.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'Unhandled promise rejection'));
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(`Guestlink cannot start.\n${error.message}\n`);
  } else {
    // inspect, not String: some failures are plain objects ("[object Object]" tells nobody anything).
    process.stderr.write(`Guestlink cannot start: ${(error as Error)?.stack ?? inspect(error)}\n`);
  }
  process.exit(1);
});
