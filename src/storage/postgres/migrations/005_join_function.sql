-- A guest's join in one round trip: the link row stays locked only for the few
-- microseconds this function runs, instead of across 5–7 client round trips.
-- Performs exactly what PgGuestStore.join did in its transaction: lock the link, refuse
-- (counting nothing) in accessProblem's order, then the click limit, then the lobby cap
-- under the room's advisory lock; otherwise count the click and record the visit.
-- A refusal is one row with only `reason` set; a join is one row with the visit's
-- columns and a null `reason`.
CREATE OR REPLACE FUNCTION guestlink_join(
  p_token_hash TEXT,
  p_visit_id TEXT,
  p_name TEXT,
  p_email TEXT,
  p_waiting_cap INT
) RETURNS TABLE (
  reason          TEXT,
  id              TEXT,
  room_id         TEXT,
  link_id         TEXT,
  link_name       TEXT,
  name            TEXT,
  email           TEXT,
  status          TEXT,
  outcome_reason  TEXT,
  created_at      TIMESTAMPTZ,
  decided_at      TIMESTAMPTZ,
  decided_by_name TEXT,
  left_at         TIMESTAMPTZ
)
LANGUAGE plpgsql
VOLATILE
AS $$
#variable_conflict use_column
DECLARE
  a RECORD;
  waiting_count INT;
BEGIN
  -- Locking the link row serialises every join through this link: the limit check
  -- and the count below see each other's clicks.
  SELECT
    l.id AS link_id, l.name AS link_name, l.room_id, r.lobby_enabled,
    l.deleted_at IS NOT NULL AS link_deleted,
    l.expires_at AS link_expires_at,
    (l.click_limit IS NOT NULL AND l.clicks_used >= l.click_limit) AS link_exhausted,
    r.guest_access_enabled,
    (r.deleted_at IS NULL AND p.active AND r.deployment_id = ANY (p.deployment_ids)) AS room_available,
    (COALESCE((p.settings -> 'modules' ->> 'invitetomedia')::boolean, false)
     AND COALESCE((p.settings -> 'modules' ->> 'mediapage')::boolean, false)) AS modules_enabled,
    r.room_type = 'room' AS room_supports_guests
  INTO a
  FROM guest_links l JOIN rooms r ON r.id = l.room_id JOIN platforms p ON p.id = r.platform_id
  WHERE l.token_hash = p_token_hash
  FOR UPDATE OF l;

  IF NOT FOUND THEN
    RETURN QUERY SELECT 'unknown-link'::text, NULL::text, NULL::text, NULL::text, NULL::text,
      NULL::text, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz,
      NULL::text, NULL::timestamptz;
    RETURN;
  END IF;

  -- accessProblem (src/guests/guest.ts), in its order; the clock is read after the lock,
  -- as the client-side check did.
  reason := CASE
    WHEN a.room_available IS NOT TRUE THEN 'room-unavailable'
    WHEN a.modules_enabled IS NOT TRUE OR a.guest_access_enabled IS NOT TRUE
      OR a.room_supports_guests IS NOT TRUE THEN 'guest-access-off'
    WHEN a.link_deleted THEN 'link-invalid'
    WHEN a.link_expires_at IS NOT NULL AND a.link_expires_at <= clock_timestamp() THEN 'link-invalid'
    WHEN a.link_exhausted THEN 'link-invalid'
  END;

  IF reason IS NULL AND a.lobby_enabled THEN
    -- Joins through the room's other links count against the same cap.
    PERFORM pg_advisory_xact_lock(hashtext('lobby:' || a.room_id));
    SELECT count(*)::int INTO waiting_count
    FROM guest_visits v WHERE v.room_id = a.room_id AND v.status = 'waiting';
    IF waiting_count >= p_waiting_cap THEN
      reason := 'lobby-full';
    END IF;
  END IF;

  IF reason IS NOT NULL THEN
    RETURN QUERY SELECT reason, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
      NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::text,
      NULL::timestamptz;
    RETURN;
  END IF;

  UPDATE guest_links l SET clicks_used = l.clicks_used + 1 WHERE l.id = a.link_id;

  RETURN QUERY
  INSERT INTO guest_visits AS v (id, room_id, link_id, link_name, name, email, status, decided_at)
  VALUES (
    p_visit_id, a.room_id, a.link_id, a.link_name, p_name, p_email,
    CASE WHEN a.lobby_enabled THEN 'waiting' ELSE 'admitted' END,
    CASE WHEN a.lobby_enabled THEN NULL ELSE now() END
  )
  RETURNING NULL::text, v.id, v.room_id, v.link_id, v.link_name, v.name, v.email, v.status,
    v.outcome_reason, v.created_at, v.decided_at, v.decided_by_name, v.left_at;
END
$$;

-- The lobby cap counts a room's waiting visits on every join with the lobby on: keep
-- that count to the (few) waiting rows instead of the room's whole history.
CREATE INDEX IF NOT EXISTS guest_visits_room_waiting ON guest_visits (room_id) WHERE status = 'waiting';
