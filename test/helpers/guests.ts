import request from 'supertest';
import { apiFor } from './api';
import { hiddenField, sandboxLaunch, type Agent, type Launch } from './lti-launch';
import type { TestServer } from './test-server';

export interface GuestLink {
  id: string;
  url: string;
  /** The link's path on the tool: /g/<token>. */
  path: string;
}

/** A host's room with guest access on and one link created through the real API. */
export async function roomWithLink(
  server: TestServer,
  link: { name?: string; clicks?: number; durationDays?: number } = {},
  placement = 'bio-101/live-session',
): Promise<{ host: Launch; api: ReturnType<typeof apiFor>; link: GuestLink }> {
  const host = await sandboxLaunch(server, { placement });
  const api = apiFor(host);
  const state = await api.enable();
  // Rooms are shared across tests: clear earlier links so each test starts with room for its own.
  for (const old of state.links as Array<{ id: string }>)
    await api.delete(`/guest-links/${old.id}`).expect(204);
  await api.put('/lobby', { enabled: true }).expect(200);
  await api.post('/lobby/admit-all').expect(200);
  const name = link.name ?? `Link ${Math.random().toString(36).slice(2, 8)}`;
  const created = await api.post('/guest-links', { ...link, name }).expect(201);
  return {
    host,
    api,
    link: { id: created.body.id, url: created.body.url, path: new URL(created.body.url).pathname },
  };
}

/** A fresh browser that opens the entry page and returns its CSRF token. */
export async function openEntry(server: TestServer, path: string, agent: Agent = request.agent(server.url)) {
  const page = await agent.get(path);
  return { agent, page, csrf: page.status === 200 ? hiddenField(page.text, '_csrf') : '' };
}

/** Opens the entry page and submits name and email, as a guest's browser does. */
export async function joinAs(
  server: TestServer,
  path: string,
  guest: { name?: string; email?: string } = {},
  agent?: Agent,
) {
  const entry = await openEntry(server, path, agent);
  const response = await entry.agent
    .post(path)
    .type('form')
    .send({
      _csrf: entry.csrf,
      name: guest.name ?? 'Grace Guest',
      email: guest.email ?? 'grace@example.org',
    });
  return { agent: entry.agent, csrf: entry.csrf, response };
}

export async function linkClicks(server: TestServer, linkId: string): Promise<number> {
  const [row] = await server.sql.query<{ clicks_used: number }>(
    'SELECT clicks_used FROM guest_links WHERE id = $1',
    [linkId],
  );
  return row!.clicks_used;
}

export async function visitCount(server: TestServer, linkId: string): Promise<number> {
  const [row] = await server.sql.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM guest_visits WHERE link_id = $1',
    [linkId],
  );
  return row!.count;
}
