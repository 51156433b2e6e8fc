-- The lobby cap used to count a room's waiting visits on every join: under a surge that
-- count grows with every guest let in line, so each join cost more than the one before
-- (about 0.6 ms of database time per join with 3,000 waiting). Each room now keeps its
-- number of waiting visits, maintained by statement triggers on guest_visits so that
-- every way a visit enters or leaves the lobby (join, admit, deny, leave, access turned
-- off, retention purge) keeps it exact.
ALTER TABLE rooms ADD COLUMN waiting_guests INT NOT NULL DEFAULT 0;

UPDATE rooms r SET waiting_guests = w.n
FROM (SELECT room_id, count(*)::int AS n FROM guest_visits WHERE status = 'waiting' GROUP BY room_id) w
WHERE r.id = w.room_id;

CREATE OR REPLACE FUNCTION guestlink_count_waiting() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE rooms r SET waiting_guests = r.waiting_guests + d.n
    FROM (SELECT room_id, count(*)::int AS n FROM new_rows WHERE status = 'waiting' GROUP BY room_id) d
    WHERE r.id = d.room_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE rooms r SET waiting_guests = r.waiting_guests - d.n
    FROM (SELECT room_id, count(*)::int AS n FROM old_rows WHERE status = 'waiting' GROUP BY room_id) d
    WHERE r.id = d.room_id;
  ELSE
    UPDATE rooms r SET waiting_guests = r.waiting_guests + d.n
    FROM (
      SELECT room_id, sum(n)::int AS n FROM (
        SELECT room_id, 1 AS n FROM new_rows WHERE status = 'waiting'
        UNION ALL
        SELECT room_id, -1 FROM old_rows WHERE status = 'waiting'
      ) changes
      GROUP BY room_id
      HAVING sum(n) <> 0
    ) d
    WHERE r.id = d.room_id;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER guest_visits_count_waiting_insert AFTER INSERT ON guest_visits
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION guestlink_count_waiting();
CREATE TRIGGER guest_visits_count_waiting_update AFTER UPDATE ON guest_visits
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION guestlink_count_waiting();
CREATE TRIGGER guest_visits_count_waiting_delete AFTER DELETE ON guest_visits
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION guestlink_count_waiting();

-- The join reads the room's count instead of counting (otherwise as in 005).
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
    -- Joins through the room's other links count against the same cap: the lock makes
    -- each join read the count the previous one committed.
    PERFORM pg_advisory_xact_lock(hashtext('lobby:' || a.room_id));
    SELECT r.waiting_guests INTO waiting_count FROM rooms r WHERE r.id = a.room_id;
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
