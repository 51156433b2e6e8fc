import type { Launch } from './lti-launch';
import type { TestServer } from './test-server';

/**
 * Opens a launched user's page as the media page's navigation form does: a same-origin POST
 * carrying the ltik in its body, never in the address (src/lti/ltik-transport.ts).
 */
export function postPage(server: TestServer, launch: Pick<Launch, 'agent' | 'ltik'>, path: string) {
  return launch.agent
    .post(path)
    .type('form')
    .set('Origin', new URL(server.url).origin)
    .set('Sec-Fetch-Site', 'same-origin')
    .send({ ltik: launch.ltik });
}

/** A launched user's event stream headers: the ltik as a bearer token, as event-stream.js sends it. */
export function bearer(launch: Pick<Launch, 'ltik'>): Record<string, string> {
  return { Authorization: `Bearer ${launch.ltik}` };
}
