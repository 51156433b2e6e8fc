import { randomUUID } from 'node:crypto';
import { lobbyNote, type Room } from '../../rooms/room';
import type { RoomLaunch, RoomStore } from '../../rooms/room.store';
import type { SqlClient } from './sql-client';

interface RoomRow {
  id: string;
  platform_id: string;
  deployment_id: string;
  context_id: string;
  resource_link_id: string;
  title: string;
  context_title: string | null;
  room_type: Room['roomType'];
  media_url: string | null;
  host_user_id: string | null;
  host_name: string | null;
  guest_access_enabled: boolean;
  lobby_enabled: boolean;
  invitees_wait: boolean;
  lobby_message?: string | null;
  lobby_message_updated_at?: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function toRoom(row: RoomRow): Room {
  return {
    id: row.id,
    platformId: row.platform_id,
    deploymentId: row.deployment_id,
    contextId: row.context_id,
    resourceLinkId: row.resource_link_id,
    title: row.title,
    contextTitle: row.context_title,
    roomType: row.room_type,
    mediaUrl: row.media_url,
    hostUserId: row.host_user_id,
    hostName: row.host_name,
    guestAccessEnabled: row.guest_access_enabled,
    lobbyEnabled: row.lobby_enabled,
    inviteesWait: row.invitees_wait,
    lobbyMessage: lobbyNote(row.lobby_message, row.lobby_message_updated_at),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class PgRoomStore implements RoomStore {
  constructor(private readonly sql: SqlClient) {}

  async openForLaunch(launch: RoomLaunch): Promise<Room> {
    const params = [
      randomUUID(),
      launch.platformId,
      launch.deploymentId,
      launch.contextId,
      launch.resourceLinkId,
      launch.title,
      launch.contextTitle,
      launch.roomType,
      launch.mediaUrl,
      launch.hostCandidate?.userId ?? null,
      launch.hostCandidate?.name ?? null,
      launch.lobbyDefault,
      launch.launcherUserId,
      launch.launcherName,
    ];
    // One statement: the unique key makes concurrent first launches create one room.
    // The update only writes when something the LMS sent has changed.
    const [row] = await this.sql.query<RoomRow>(
      `INSERT INTO rooms AS r (id, platform_id, deployment_id, context_id, resource_link_id, title, context_title,
                               room_type, media_url, host_user_id, host_name, lobby_enabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (platform_id, deployment_id, context_id, resource_link_id) DO UPDATE SET
         title = EXCLUDED.title,
         context_title = EXCLUDED.context_title,
         room_type = EXCLUDED.room_type,
         media_url = EXCLUDED.media_url,
         host_user_id = COALESCE(r.host_user_id, EXCLUDED.host_user_id),
         host_name = CASE
           WHEN r.host_user_id IS NULL THEN EXCLUDED.host_name
           WHEN r.host_user_id = $13 THEN COALESCE($14, r.host_name)
           ELSE r.host_name END,
         updated_at = now()
       WHERE (r.title, r.context_title, r.room_type, r.media_url) IS DISTINCT FROM
             (EXCLUDED.title, EXCLUDED.context_title, EXCLUDED.room_type, EXCLUDED.media_url)
          OR (r.host_user_id IS NULL AND EXCLUDED.host_user_id IS NOT NULL)
          OR (r.host_user_id = $13 AND $14::text IS NOT NULL AND r.host_name IS DISTINCT FROM $14)
       RETURNING *`,
      params,
    );
    if (row) return toRoom(row);
    const [existing] = await this.sql.query<RoomRow>(
      `SELECT * FROM rooms WHERE platform_id = $1 AND deployment_id = $2 AND context_id = $3 AND resource_link_id = $4`,
      [launch.platformId, launch.deploymentId, launch.contextId, launch.resourceLinkId],
    );
    return toRoom(existing!);
  }

  async findById(id: string): Promise<Room | null> {
    const [row] = await this.sql.query<RoomRow>('SELECT * FROM rooms WHERE id = $1', [id]);
    return row ? toRoom(row) : null;
  }
}
