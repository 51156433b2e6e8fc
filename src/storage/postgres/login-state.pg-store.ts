import type { LoginState, LoginStateStore } from '../../lti/login-state.store';
import type { SqlClient } from './sql-client';

export class PgLoginStateStore implements LoginStateStore {
  constructor(private readonly sql: SqlClient) {}

  async save(login: LoginState, ttlSeconds: number): Promise<void> {
    await this.sql.query(
      `INSERT INTO lti_login_states (state, nonce, platform_id, target_link_uri, relaunch_query, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [login.state, login.nonce, login.platformId, login.targetLinkUri, login.relaunchQuery, ttlSeconds],
    );
  }

  async consume(state: string): Promise<LoginState | null> {
    const [row] = await this.sql.query<{
      state: string;
      nonce: string;
      platform_id: string;
      target_link_uri: string;
      relaunch_query: string;
      expired: boolean;
    }>(
      `DELETE FROM lti_login_states WHERE state = $1
       RETURNING state, nonce, platform_id, target_link_uri, relaunch_query, expires_at <= now() AS expired`,
      [state],
    );
    if (!row || row.expired) return null;
    return {
      state: row.state,
      nonce: row.nonce,
      platformId: row.platform_id,
      targetLinkUri: row.target_link_uri,
      relaunchQuery: row.relaunch_query,
    };
  }
}
