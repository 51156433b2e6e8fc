import type { Platform } from '../../platforms/platform';
import type { PlatformStore, StoredPlatform } from '../../platforms/platform.store';
import type { PresetName } from '../../platforms/presets';
import type { SqlClient } from './sql-client';

interface PlatformRow {
  id: string;
  issuer: string;
  client_id: string;
  name: string;
  preset: PresetName | null;
  deployment_ids: string[];
  settings: StoredPlatform['settings'];
  active: boolean;
}

function toStoredPlatform(row: PlatformRow): StoredPlatform {
  return {
    id: row.id,
    issuer: row.issuer,
    clientId: row.client_id,
    name: row.name,
    ...(row.preset === null ? {} : { preset: row.preset }),
    deploymentIds: row.deployment_ids,
    settings: row.settings,
    active: row.active,
  };
}

export class PgPlatformStore implements PlatformStore {
  constructor(private readonly sql: SqlClient) {}

  async sync(platforms: Platform[]): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const platform of platforms) {
        await tx.query(
          `INSERT INTO platforms (id, issuer, client_id, name, deployment_ids, settings, preset, active, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, true, now())
           ON CONFLICT (id) DO UPDATE SET
             name = EXCLUDED.name, preset = EXCLUDED.preset, deployment_ids = EXCLUDED.deployment_ids,
             settings = EXCLUDED.settings, active = true, updated_at = now()`,
          [
            platform.id,
            platform.issuer,
            platform.clientId,
            platform.name,
            platform.deploymentIds,
            JSON.stringify(platform.settings),
            platform.preset ?? null,
          ],
        );
      }
      await tx.query(
        `UPDATE platforms SET active = false, updated_at = now() WHERE active AND NOT (id = ANY($1::text[]))`,
        [platforms.map((platform) => platform.id)],
      );
    });
  }

  async findById(id: string): Promise<StoredPlatform | null> {
    const [row] = await this.sql.query<PlatformRow>('SELECT * FROM platforms WHERE id = $1', [id]);
    return row ? toStoredPlatform(row) : null;
  }
}
