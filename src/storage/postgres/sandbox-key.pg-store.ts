import type { SandboxKey, SandboxKeyStore } from '../../sandbox/sandbox-key.store';
import type { SqlClient } from './sql-client';

export class PgSandboxKeyStore implements SandboxKeyStore {
  constructor(private readonly sql: SqlClient) {}

  async getOrCreate(candidate: SandboxKey): Promise<SandboxKey> {
    await this.sql.query(
      `INSERT INTO sandbox_keys (kid, private_jwk)
       SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM sandbox_keys)
       ON CONFLICT DO NOTHING`,
      [candidate.kid, candidate.sealedPrivateJwk],
    );
    const [row] = await this.sql.query<{ kid: string; private_jwk: string }>(
      'SELECT kid, private_jwk FROM sandbox_keys ORDER BY created_at, kid LIMIT 1',
    );
    return { kid: row!.kid, sealedPrivateJwk: row!.private_jwk };
  }
}
