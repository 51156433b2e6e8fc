import mongoose from 'mongoose';
import { isDatabaseUnavailable } from '../../../src/error-handler';
import { StartupError } from '../../../src/errors';
import { describeMongoServer } from '../../../src/storage/mongo/connection';
import { silentServer, failedStart as startFailure } from '../../helpers/failed-start';
import { freePort } from '../../helpers/throwaway-postgres';

/**
 * No MongoDB server is needed here: these talk to real closed or silent ports through
 * the real driver, which is exactly the situation an unreachable server creates.
 */

const CONNECT_TIMEOUT_MS = 1500;
const MARGIN_MS = 1500;
const PASSWORD = 'not-to-be-shown-7c1e';

function failedStart(uri: string) {
  return startFailure({ MONGODB_URI: uri, DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) });
}

describe('start-up against an unreachable MongoDB server', () => {
  it('gives up after DB_CONNECT_TIMEOUT_MS on a closed port, naming host:port/db and not the password', async () => {
    const port = await freePort();
    const { error, elapsedMs } = await failedStart(
      `mongodb://guestlink:${PASSWORD}@127.0.0.1:${port}/guestlink`,
    );
    expect(error).toBeInstanceOf(StartupError);
    const message = (error as Error).message;
    expect(message).toContain(`Cannot connect to MongoDB at 127.0.0.1:${port}/guestlink`);
    expect(message).not.toContain(PASSWORD);
    expect(elapsedMs).toBeLessThan(CONNECT_TIMEOUT_MS + MARGIN_MS);
  });

  it('gives up on a server that accepts and never answers', async () => {
    const silent = await silentServer();
    try {
      const { error, elapsedMs } = await failedStart(`mongodb://127.0.0.1:${silent.port}/guestlink`);
      expect(error).toBeInstanceOf(StartupError);
      expect((error as Error).message).toContain(`127.0.0.1:${silent.port}/guestlink`);
      expect(elapsedMs).toBeLessThan(CONNECT_TIMEOUT_MS + MARGIN_MS);
    } finally {
      await silent.close();
    }
  });

  it('maps the driver’s own outage errors to "database unavailable"', async () => {
    const port = await freePort();
    const client = new mongoose.mongo.MongoClient(`mongodb://127.0.0.1:${port}/guestlink`, {
      serverSelectionTimeoutMS: 300,
    });
    const error = await client.connect().then(
      () => null,
      (failure: unknown) => failure,
    );
    await client.close();
    expect((error as Error).name).toBe('MongoServerSelectionError');
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['mongodb://u:p@db.example.edu/guestlink?authSource=admin', 'db.example.edu:27017/guestlink'],
    ['mongodb://a:27018,b,c:27019/lti', 'a:27018,b:27017,c:27019/lti'],
    ['mongodb+srv://u:p@cluster0.example.net/lti', 'cluster0.example.net/lti'],
    ['mongodb://localhost', 'localhost:27017/test'],
  ])('names %s as %s', (url, expected) => {
    expect(describeMongoServer(url)).toBe(expected);
  });
});
