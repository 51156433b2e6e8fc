import { startTestServer } from './test-server';

/** Starts the tool on its configured database and reports how it failed, and how fast. */
export async function failedStart(
  env: Record<string, string>,
): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now();
  try {
    const server = await startTestServer({ configuredStorage: true, env });
    await server.close();
    return { error: null, elapsedMs: Date.now() - started };
  } catch (error) {
    return { error, elapsedMs: Date.now() - started };
  }
}
