import { LtijsSqlPlugin } from '../../src/storage/postgres/ltijs-sql-plugin';
import { openTestDatabase, SQL_BACKENDS, type TestDatabase } from '../helpers/databases';

const SECRET = 'plugin-test-secret';

describe.each(SQL_BACKENDS)('ltijs database plugin on %s', (backend) => {
  let database: TestDatabase;
  let plugin: LtijsSqlPlugin;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    plugin = new LtijsSqlPlugin(database.sql);
    await plugin.setup();
  });

  afterAll(async () => {
    await database.close();
  });

  it('answers false for nothing found, and documents for matching equality queries', async () => {
    expect(await plugin.Get(false, 'platform', { platformUrl: 'https://nowhere' })).toBe(false);
    await plugin.Insert(false, 'platform', { platformUrl: 'https://a', clientId: '1', platformName: 'A' });
    await plugin.Insert(false, 'platform', { platformUrl: 'https://a', clientId: '2', platformName: 'B' });
    const both = await plugin.Get(false, 'platform', { platformUrl: 'https://a' });
    expect(both).toHaveLength(2);
    const one = await plugin.Get(false, 'platform', { platformUrl: 'https://a', clientId: '2' });
    expect(one).toEqual([expect.objectContaining({ platformName: 'B', createdAt: expect.any(String) })]);
  });

  it('replaces as an upsert, leaving one document even when replaces race', async () => {
    const query = { iss: 'https://a', clientId: '1', deploymentId: 'd', user: 'u' };
    await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        plugin.Replace(false, 'idtoken', query, { ...query, userInfo: { n: index } }),
      ),
    );
    const stored = await plugin.Get(false, 'idtoken', query);
    expect(stored).toHaveLength(1);
  });

  it('modifies matching documents', async () => {
    await plugin.Insert(false, 'contexttoken', { contextId: 'c1', user: 'u', path: '/a' });
    await plugin.Modify(false, 'contexttoken', { contextId: 'c1', user: 'u' }, { path: '/b' });
    expect(await plugin.Get(false, 'contexttoken', { contextId: 'c1' })).toEqual([
      expect.objectContaining({ path: '/b' }),
    ]);
  });

  it('encrypts keyed documents at rest, in ltijs’s format, and decrypts them on read', async () => {
    await plugin.Replace(
      SECRET,
      'privatekey',
      { platformUrl: 'https://a', clientId: '1' },
      { key: 'PRIVATE PEM', kid: 'k1' },
      { kid: 'k1', platformUrl: 'https://a', clientId: '1' },
    );
    const [raw] = await database.sql.query<{ doc: Record<string, string> }>(
      `SELECT doc FROM lti_documents WHERE collection = 'privatekey' AND doc->>'kid' = 'k1'`,
    );
    expect(JSON.stringify(raw!.doc)).not.toContain('PRIVATE PEM');
    expect(raw!.doc).toEqual({
      kid: 'k1',
      platformUrl: 'https://a',
      clientId: '1',
      iv: expect.stringMatching(/^[0-9a-f]{32}$/),
      data: expect.any(String),
    });
    const [decrypted] = (await plugin.Get(SECRET, 'privatekey', { kid: 'k1' })) as Array<
      Record<string, unknown>
    >;
    expect(decrypted).toEqual({ key: 'PRIVATE PEM', kid: 'k1', createdAt: expect.any(Number) });
    await plugin.Modify(SECRET, 'privatekey', { kid: 'k1' }, { key: 'NEW PEM' });
    expect(
      ((await plugin.Get(SECRET, 'privatekey', { kid: 'k1' })) as Array<Record<string, unknown>>)[0]!.key,
    ).toBe('NEW PEM');
  });

  it('never returns documents past their time to live, and purges them', async () => {
    await plugin.Insert(false, 'nonce', { nonce: 'n1' });
    expect(await plugin.Get(false, 'nonce', { nonce: 'n1' })).toHaveLength(1);
    await database.sql.query(
      `UPDATE lti_documents SET expires_at = now() - interval '1 second' WHERE collection = 'nonce'`,
    );
    expect(await plugin.Get(false, 'nonce', { nonce: 'n1' })).toBe(false);
    const [{ ttl }] = (await database.sql.query<{ ttl: number }>(
      `SELECT extract(epoch FROM (expires_at - created_at))::int AS ttl FROM lti_documents WHERE collection = 'idtoken' LIMIT 1`,
    )) as [{ ttl: number }];
    expect(ttl).toBe(24 * 3600);
  });

  it('deletes matching documents', async () => {
    await plugin.Insert(false, 'state', { state: 's1', query: { a: '1' } });
    await plugin.Delete('state', { state: 's1' });
    expect(await plugin.Get(false, 'state', { state: 's1' })).toBe(false);
  });

  it('refuses collections ltijs does not have', async () => {
    await expect(plugin.Get(false, 'users', {})).rejects.toThrow('Unknown ltijs collection');
  });
});
