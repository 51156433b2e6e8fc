import request from 'supertest';
import { VIEWS_DIR } from '../../../src/paths';
import { sandboxLaunch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';
import { postPage } from '../../helpers/launched-pages';

/** What ltijs's express 4 app may still do once mounted behind ours (ltijs-workarounds.ts). */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

describe('ltijs inside our app', () => {
  it('never reads a body itself: a 200 kB text/plain post meets our checks, not its 100 kB parser', async () => {
    const response = await request(server.url)
      .post('/lti/launch')
      .set('Content-Type', 'text/plain')
      .send('x'.repeat(200_000));
    expect(response.status).toBe(401);
    expect(response.text).toContain('Your Guestlink session has ended or could not be found');
  });

  it('answers launched pages with our settings: no ETag, no X-Powered-By', async () => {
    const launch = await sandboxLaunch(server);
    const page = await postPage(server, launch, `/rooms/${launch.roomId}`);
    expect(page.status).toBe(200);
    expect(page.headers.etag).toBeUndefined();
    expect(page.headers['x-powered-by']).toBeUndefined();
  });

  it('parses query strings, finds views and computes ETags as our app does', () => {
    const ltijsApp = server.runtime.lti.app;
    const parse = ltijsApp.get('query parser fn') as (query: string) => Record<string, unknown>;
    expect(parse('ltik[a]=b')).toEqual({ 'ltik[a]': 'b' });
    expect(ltijsApp.get('views')).toBe(VIEWS_DIR);
    expect(ltijsApp.get('etag fn')).toBeUndefined();
  });
});
