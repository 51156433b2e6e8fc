import request from 'supertest';
import { hiddenField, type Agent } from './lti-launch';
import type { TestServer } from './test-server';

let counter = 0;

/** An address no other test uses: "<label>-<n>-<random>@example.org". */
export function unique(label: string): string {
  counter += 1;
  return `${label}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.org`;
}

/** Every invitation stored for the room, revoked ones included. */
export async function invitationCount(server: TestServer, roomId: string): Promise<number> {
  const [row] = await server.sql.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM invitations WHERE room_id = $1',
    [roomId],
  );
  return row!.count;
}

/** Rooms are shared across a file's tests: earlier invitations stop counting as active. */
export async function revokeAllInvitations(server: TestServer, roomId: string): Promise<void> {
  await server.sql.query(
    'UPDATE invitations SET revoked_at = now() WHERE room_id = $1 AND revoked_at IS NULL',
    [roomId],
  );
}

/** The path of a personal link: /i/<token>. */
export const pathOf = (url: string) => new URL(url).pathname;

/** A browser opens the personal link's page and reads its CSRF token (none if it is not the form). */
export async function openInvitation(
  server: TestServer,
  url: string,
  agent: Agent = request.agent(server.url),
) {
  const page = await agent.get(pathOf(url));
  const csrf =
    page.status === 200 && page.text.includes('name="_csrf"') ? hiddenField(page.text, '_csrf') : '';
  return { agent, page, csrf };
}

/** A browser opens the link and confirms an address, as the invitee's browser does. */
export async function claimAs(server: TestServer, url: string, email: string, agent?: Agent) {
  const opened = await openInvitation(server, url, agent);
  const response = await opened.agent.post(pathOf(url)).type('form').send({ _csrf: opened.csrf, email });
  return { agent: opened.agent, csrf: opened.csrf, response };
}
