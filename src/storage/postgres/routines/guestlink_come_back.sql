-- "Join again": a guest who got in and left re-opens their own visit from the same browser,
-- without a click. Within p_window of the moderator's admission (decided_at, which sending
-- a guest back to the lobby clears) or with the lobby off, they are admitted at once;
-- otherwise they wait, and the lobby cap applies. Refused, changing nothing, when the visit
-- is not one that got in and left ('not-returnable'), or for accessProblem's reasons in its
-- order (src/guests/guest.ts) — but not for a used-up click limit: they hold their click.
-- Two parallel calls for one visit: the second finds it no longer 'left' and returns it as
-- it is ('already-back').
--
-- Lock order as guestlink_join_batch: the link row, then the room's lobby lock, then the
-- visit; the lobby count last (the waiting-count trigger).
DROP FUNCTION IF EXISTS guestlink_come_back(TEXT, INT, INTERVAL);
CREATE FUNCTION guestlink_come_back(p_visit_id TEXT, p_waiting_cap INT, p_window INTERVAL)
RETURNS TABLE (reason TEXT, visit JSONB)
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
  v guest_visits%ROWTYPE;
  a guest_link_access%ROWTYPE;
  waiting INT;
  admit BOOLEAN;
BEGIN
  SELECT * INTO v FROM guest_visits WHERE id = p_visit_id;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not-returnable'::text, NULL::jsonb;
    RETURN;
  END IF;
  PERFORM 1 FROM guest_links WHERE id = v.link_id FOR UPDATE;
  PERFORM pg_advisory_xact_lock(hashtext('lobby:' || v.room_id));
  SELECT * INTO v FROM guest_visits WHERE id = p_visit_id FOR UPDATE;

  IF v.status IN ('waiting', 'admitted') THEN
    RETURN QUERY SELECT 'already-back'::text, to_jsonb(v);
    RETURN;
  END IF;
  -- An invited person comes back through their personal link (InvitationStore.enter), never here.
  IF v.status <> 'left' OR NOT v.admitted_once OR v.link_id IS NULL THEN
    RETURN QUERY SELECT 'not-returnable'::text, to_jsonb(v);
    RETURN;
  END IF;

  SELECT * INTO a FROM guest_link_access WHERE link_id = v.link_id;
  reason := CASE
    WHEN NOT a.room_available THEN 'room-unavailable'
    WHEN NOT (a.modules_enabled AND a.guest_access_enabled AND a.room_type = 'room') THEN 'guest-access-off'
    WHEN a.link_deleted THEN 'link-invalid'
    WHEN a.link_expires_at IS NOT NULL AND a.link_expires_at <= clock_timestamp() THEN 'link-invalid'
  END;
  IF reason IS NOT NULL THEN
    RETURN QUERY SELECT reason, to_jsonb(v);
    RETURN;
  END IF;

  admit := (v.decided_at IS NOT NULL AND v.decided_at > clock_timestamp() - p_window)
    OR (NOT a.lobby_enabled AND NOT v.must_wait);
  IF NOT admit THEN
    SELECT coalesce(c.waiting, 0) INTO waiting FROM room_lobby_counts c WHERE c.room_id = v.room_id;
    IF coalesce(waiting, 0) >= p_waiting_cap THEN
      RETURN QUERY SELECT 'lobby-full'::text, to_jsonb(v);
      RETURN;
    END IF;
  END IF;

  IF admit AND v.decided_at IS NOT NULL AND v.decided_at > clock_timestamp() - p_window THEN
    -- Still within the moderator's admission: it stands, and the window is not extended.
    UPDATE guest_visits SET status = 'admitted', left_at = NULL WHERE id = v.id RETURNING * INTO v;
  ELSIF admit THEN
    UPDATE guest_visits
    SET status = 'admitted', left_at = NULL, outcome_reason = 'lobby-off', decided_at = clock_timestamp(),
        decided_by = NULL, decided_by_name = NULL
    WHERE id = v.id RETURNING * INTO v;
  ELSE
    UPDATE guest_visits
    SET status = 'waiting', left_at = NULL, outcome_reason = NULL, decided_at = NULL,
        decided_by = NULL, decided_by_name = NULL
    WHERE id = v.id RETURNING * INTO v;
  END IF;
  RETURN QUERY SELECT NULL::text, to_jsonb(v);
END
$$;
