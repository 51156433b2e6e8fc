import net, { type Socket } from 'node:net';
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

/**
 * A database server that accepts connections and never answers: the situation a
 * firewalled or hung server creates. It reads (and ignores) what clients send, so their
 * hang-ups are seen; `sockets` holds the connections still open.
 */
export async function silentServer(): Promise<{
  port: number;
  sockets: Set<Socket>;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.resume();
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    sockets,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
