import type { LoginState, LoginStateStore } from '../../lti/login-state.store';
import type { SqlClient } from './sql-client';

interface LoginStateRow {
  state: string;
  nonce: string;
  platform_id: string;
  target_link_uri: string;
  storage_target: string | null;
  expired: boolean;
}

const COLUMNS = 'state, nonce, platform_id, target_link_uri, storage_target, expires_at <= now() AS expired';

function toLoginState(row: LoginStateRow | undefined): LoginState | null {
  if (!row || row.expired) return null;
  return {
    state: row.state,
    nonce: row.nonce,
    platformId: row.platform_id,
    targetLinkUri: row.target_link_uri,
    storageTarget: row.storage_target,
  };
}

export class PgLoginStateStore implements LoginStateStore {
  constructor(private readonly sql: SqlClient) {}

  async save(login: LoginState, ttlSeconds: number): Promise<void> {
    await this.sql.query(
      `INSERT INTO lti_login_states (state, nonce, platform_id, target_link_uri, storage_target, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [login.state, login.nonce, login.platformId, login.targetLinkUri, login.storageTarget, ttlSeconds],
    );
  }

  async find(state: string): Promise<LoginState | null> {
    const [row] = await this.sql.query<LoginStateRow>(
      `SELECT ${COLUMNS} FROM lti_login_states WHERE state = $1`,
      [state],
    );
    return toLoginState(row);
  }

  async consume(state: string): Promise<LoginState | null> {
    const [row] = await this.sql.query<LoginStateRow>(
      `DELETE FROM lti_login_states WHERE state = $1 RETURNING ${COLUMNS}`,
      [state],
    );
    return toLoginState(row);
  }
}
