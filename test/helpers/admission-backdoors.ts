import type { Connection } from 'mongoose';
import type { SqlClient } from '../../src/storage/postgres/sql-client';
import type { AdmissionBackdoor } from './admission-cases';

/** The raw changes of the admission table on PGlite or PostgreSQL. */
export function sqlBackdoor(sql: SqlClient): AdmissionBackdoor {
  return {
    async expireLink(linkId) {
      await sql.query(`UPDATE guest_links SET expires_at = now() - interval '1 second' WHERE id = $1`, [
        linkId,
      ]);
    },
    async deleteRoom(roomId) {
      await sql.query('UPDATE rooms SET deleted_at = now() WHERE id = $1', [roomId]);
    },
    async changePlatform(roomId, change) {
      const [before] = await sql.query<{
        id: string;
        active: boolean;
        deployment_ids: string[];
        settings: unknown;
      }>(
        'SELECT p.id, p.active, p.deployment_ids, p.settings FROM platforms p JOIN rooms r ON r.platform_id = p.id WHERE r.id = $1',
        [roomId],
      );
      const update = {
        inactive: 'UPDATE platforms SET active = false WHERE id = $1',
        'deployment-removed': `UPDATE platforms p SET deployment_ids = array_remove(p.deployment_ids, r.deployment_id)
                               FROM rooms r WHERE p.id = $1 AND r.id = $2`,
        'invitetomedia-off': `UPDATE platforms SET settings = jsonb_set(settings, '{modules,invitetomedia}', 'false') WHERE id = $1`,
        'mediapage-off': `UPDATE platforms SET settings = jsonb_set(settings, '{modules,mediapage}', 'false') WHERE id = $1`,
      }[change];
      await sql.query(update, change === 'deployment-removed' ? [before!.id, roomId] : [before!.id]);
      return async () => {
        await sql.query(
          'UPDATE platforms SET active = $2, deployment_ids = $3, settings = $4 WHERE id = $1',
          [before!.id, before!.active, before!.deployment_ids, JSON.stringify(before!.settings)],
        );
      };
    },
  };
}

/** The same changes on MongoDB (collections as the models name them). */
export function mongoBackdoor(connection: Connection): AdmissionBackdoor {
  const rooms = connection.collection<{ _id: string; platformId: string; deploymentId: string }>('rooms');
  const platforms = connection.collection<{ _id: string }>('platform_settings');
  return {
    async expireLink(linkId) {
      await connection
        .collection<{ _id: string }>('guest_links')
        .updateOne({ _id: linkId }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    },
    async deleteRoom(roomId) {
      await rooms.updateOne({ _id: roomId }, { $set: { deletedAt: new Date() } });
    },
    async changePlatform(roomId, change) {
      const room = (await rooms.findOne({ _id: roomId }))!;
      const before = (await platforms.findOne({ _id: room.platformId }))!;
      const update = {
        inactive: { $set: { active: false } },
        'deployment-removed': { $pull: { deploymentIds: room.deploymentId } },
        'invitetomedia-off': { $set: { 'settings.modules.invitetomedia': false } },
        'mediapage-off': { $set: { 'settings.modules.mediapage': false } },
      }[change];
      await platforms.updateOne({ _id: before._id }, update);
      return async () => {
        await platforms.replaceOne({ _id: before._id }, before);
      };
    },
  };
}
