-- An invitation with everything that decides whether its personal link still lets the invitee
-- in, shaped like guest_link_access so the guest pages' checks (accessProblem in
-- src/guests/guest.ts) read both alike: the "link" is the invitation (deleted = revoked,
-- expires_at = the invitation's expiry), and the guest-link switch does not apply (it is
-- about guest links only), so guest_access_enabled is always true. room_available and
-- modules_enabled are guest_link_access's expressions: keep the two views in step (the
-- invitations contract test turns each one off).
-- Re-created whole (not CREATE OR REPLACE): a column may change type or go away.
DROP VIEW IF EXISTS invitation_access;
CREATE VIEW invitation_access AS
SELECT
  i.id AS invitation_id, i.token_hash, i.room_id,
  r.title AS room_title, r.room_type, r.media_url, r.context_title, r.lobby_enabled,
  (r.invitees_wait AND r.lobby_enabled) AS invitees_wait,
  i.revoked_at IS NOT NULL AS link_deleted,
  i.expires_at AS link_expires_at,
  true AS guest_access_enabled,
  (r.deleted_at IS NULL AND p.active AND r.deployment_id = ANY (p.deployment_ids)) IS TRUE AS room_available,
  (COALESCE((p.settings -> 'modules' ->> 'invitetomedia')::boolean, false)
   AND COALESCE((p.settings -> 'modules' ->> 'mediapage')::boolean, false)) AS modules_enabled
FROM invitations i JOIN rooms r ON r.id = i.room_id JOIN platforms p ON p.id = r.platform_id;
