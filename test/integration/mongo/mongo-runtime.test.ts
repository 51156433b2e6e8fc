import mongoose from 'mongoose';
import request from 'supertest';
import type { RoomEvent } from '../../../src/rooms/room-events';
import { sandboxLaunch } from '../../helpers/lti-launch';
import { mongoUrlFor, TEST_MONGODB_URI } from '../../helpers/storages';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/** The whole tool on a real MongoDB (ltijs's own documents included); skipped without one. */
if (!TEST_MONGODB_URI) {
  describe.skip('The tool on MongoDB: skipped, set TEST_MONGODB_URI to run it', () => {
    it('starts the tool on MongoDB', () => undefined);
  });
}

if (TEST_MONGODB_URI)
  describe('the tool on MongoDB', () => {
    let server: TestServer;
    let url: string;

    beforeAll(async () => {
      url = mongoUrlFor(`guestlink_runtime_${process.pid}_${Date.now().toString(36)}`);
      server = await startTestServer({ configuredStorage: true, env: { MONGODB_URI: url } });
    });

    afterAll(async () => {
      await server?.close();
      const connection = await mongoose.createConnection(url).asPromise();
      await connection.dropDatabase();
      await connection.close();
    });

    it('is ready on MongoDB', async () => {
      const response = await request(server.url).get('/readyz');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ready', database: 'mongodb' });
    });

    it('launches from the sandbox through ltijs’s MongoDB storage', async () => {
      const launch = await sandboxLaunch(server);
      expect(launch.status).toBe(200);
      expect(launch.roomId).not.toBe('');
    });

    it('delivers lobby events to subscribers', async () => {
      const received: RoomEvent[] = [];
      const unsubscribe = await server.runtime.storage.lobbyEvents.subscribe((event) => received.push(event));
      try {
        await server.runtime.storage.lobbyEvents.publish({ roomId: 'room-x', visitIds: ['v1'] });
        const deadline = Date.now() + 5000;
        while (received.length === 0 && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 50));
        expect(received).toContainEqual({ roomId: 'room-x', visitIds: ['v1'] });
      } finally {
        await unsubscribe();
      }
    });
  });
