import request from 'supertest';
import { joinAs, linkClicks, openEntry, roomWithLink, visitCount } from '../../helpers/guests';
import { startTestServer, type TestServer } from '../../helpers/test-server';

describe('abuse limits on the public guest routes', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      env: {
        GUEST_JOINS_PER_IP_PER_MINUTE: '3',
        GUEST_JOINS_PER_LINK_PER_MINUTE: '1000',
        LOBBY_CAPACITY: '2',
      },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers joins past the per-address limit with a 429 page and Retry-After, counting nothing', async () => {
    const { link } = await roomWithLink(server);
    const entries = await Promise.all(Array.from({ length: 4 }, () => openEntry(server, link.path)));
    const statuses: number[] = [];
    let limited: request.Response | null = null;
    for (const [index, entry] of entries.entries()) {
      const response = await entry.agent
        .post(link.path)
        .type('form')
        .send({ _csrf: entry.csrf, name: `Guest ${index}`, email: `g${index}@example.org` });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses).toEqual([303, 303, 503, 429]);
    expect(limited!.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited!.text).toContain('Too many requests');
    expect(await linkClicks(server, link.id)).toBe(2);
  });
});

describe('the lobby’s capacity', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { LOBBY_CAPACITY: '2', GUEST_JOINS_PER_IP_PER_MINUTE: '1000' } });
  });

  afterAll(async () => {
    await server.close();
  });

  it('turns guests away with a clear page once the lobby is full, counting nothing for them', async () => {
    const { link, api } = await roomWithLink(server);
    expect((await joinAs(server, link.path, { name: 'One' })).response.status).toBe(303);
    expect((await joinAs(server, link.path, { name: 'Two' })).response.status).toBe(303);
    const full = await joinAs(server, link.path, { name: 'Three' });
    expect(full.response.status).toBe(503);
    expect(full.response.text).toContain('The lobby is full');
    expect(full.response.headers['retry-after']).toBe('60');
    expect(await linkClicks(server, link.id)).toBe(2);
    expect(await visitCount(server, link.id)).toBe(2);
    await api.post('/lobby/admit-all').expect(200);
    expect((await joinAs(server, link.path, { name: 'Three' })).response.status).toBe(303);
  });
});

describe('a link’s join budget', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      env: { GUEST_JOINS_PER_LINK_PER_MINUTE: '3', GUEST_JOINS_PER_IP_PER_MINUTE: '1000' },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('is not spent by forged posts: only joins with a valid CSRF token count', async () => {
    const { link } = await roomWithLink(server);
    for (let index = 0; index < 6; index++) {
      const forged = await request(server.url)
        .post(link.path)
        .type('form')
        .send({ name: `Forger ${index}`, email: `f${index}@example.org` });
      expect(forged.status).toBe(403);
    }
    const real = await joinAs(server, link.path, { name: 'Real Guest' });
    expect(real.response.status).toBe(303);
    expect(await linkClicks(server, link.id)).toBe(1);
  });
});

describe('per-address limits behind a proxy (TRUST_PROXY as a hop count)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      env: { TRUST_PROXY: '1', GUEST_JOINS_PER_IP_PER_MINUTE: '2', GUEST_JOINS_PER_LINK_PER_MINUTE: '1000' },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('keys on the address the proxy saw, whatever a client puts in front of it', async () => {
    const { link } = await roomWithLink(server);
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++) {
      const entry = await openEntry(server, link.path);
      const response = await entry.agent
        .post(link.path)
        .set('X-Forwarded-For', `198.51.100.${index + 1}, 203.0.113.7`)
        .type('form')
        .send({ _csrf: entry.csrf, name: `Guest ${index}`, email: `g${index}@example.org` });
      statuses.push(response.status);
    }
    // The proxy appends the address it saw (203.0.113.7); the spoofed entries before it are ignored.
    expect(statuses).toEqual([303, 303, 429, 429]);
  });
});
