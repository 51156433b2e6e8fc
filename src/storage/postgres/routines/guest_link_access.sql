-- A link with everything that decides whether guests get in through it, in one place:
-- guestlink_join_batch and the entry page and guest page checks (guest.pg-store.ts) read
-- it. The rules themselves are accessProblem's (src/guests/guest.ts); the admission table
-- (test/helpers/admission-cases.ts) runs every one of them through the app on every backend.
-- Re-created whole (not CREATE OR REPLACE): a column may change type or go away.
DROP VIEW IF EXISTS guest_link_access;
CREATE VIEW guest_link_access AS
SELECT
  l.id AS link_id, l.token_hash, l.name AS link_name, l.room_id,
  r.title AS room_title, r.room_type, r.media_url, r.context_title, r.lobby_enabled,
  l.deleted_at IS NOT NULL AS link_deleted,
  l.expires_at AS link_expires_at,
  l.clicks_used, l.click_limit,
  (l.click_limit IS NOT NULL AND l.clicks_used >= l.click_limit) AS link_exhausted,
  r.guest_access_enabled,
  (r.deleted_at IS NULL AND p.active AND r.deployment_id = ANY (p.deployment_ids)) IS TRUE AS room_available,
  (COALESCE((p.settings -> 'modules' ->> 'invitetomedia')::boolean, false)
   AND COALESCE((p.settings -> 'modules' ->> 'mediapage')::boolean, false)) AS modules_enabled
FROM guest_links l JOIN rooms r ON r.id = l.room_id JOIN platforms p ON p.id = r.platform_id;
