import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { JwksCache } from '../../../src/lti/jwks-cache';

describe('the platform key set cache', () => {
  let server: http.Server;
  let url: string;
  let hits = 0;
  let keys = [{ kid: 'k1', kty: 'RSA' }];

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      hits += 1;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches a platform’s keys once for many launches, and again when a launch names a new key', async () => {
    const cache = new JwksCache(new Set([url]));
    await Promise.all([cache.keyset(url), cache.keyset(url), cache.keyset(url)]);
    await cache.ensureKey(url, 'k1');
    expect(hits).toBe(1);

    keys = [
      { kid: 'k1', kty: 'RSA' },
      { kid: 'k2', kty: 'RSA' },
    ];
    await cache.ensureKey(url, 'k2');
    expect(hits).toBe(2);
    expect((await cache.keyset(url)).keys.map((key) => key.kid)).toEqual(['k1', 'k2']);

    // Unknown kids cannot make it hammer the platform: at most one refresh per cooldown.
    await cache.ensureKey(url, 'made-up');
    await cache.ensureKey(url, 'made-up-too');
    expect(hits).toBe(2);
  });

  it('answers 503 when the key set cannot be fetched', async () => {
    const missing = 'http://127.0.0.1:9/jwks';
    const cache = new JwksCache(new Set([missing]));
    await expect(cache.keyset(missing)).rejects.toMatchObject({ status: 503, code: 'KEYSET_UNAVAILABLE' });
  });
});
