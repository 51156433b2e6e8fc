-- Joins in batches: when a class opens a link at once, each instance sends the joins
-- that arrived while its previous call ran as one call, one transaction and one commit.
-- The batch is decided in memory, in arrival order, with accessProblem's rules and
-- refusal order (src/guests/guest.ts), then the click limit, then the lobby cap, and
-- written set-wise: one UPDATE of the links' click counts and one INSERT of the visits,
-- so the waiting-count trigger (005) runs once per batch instead of once per join.
--
-- Lock order, the same for every batch and before any write: the batch's link rows,
-- sorted; then the lobby locks of those links' rooms, sorted. Two batches (from two
-- instances) therefore never wait on each other in a cycle, and a batch takes a room's
-- waiting count (005) only in its last statement, so it never holds one while waiting for a
-- link that a link deletion holds. Settings changes that turn waiting guests away or let
-- them in take the lobby lock before anything else (lockLobby in guest-access.pg-store.ts).
--
-- A browser whose guest was removed from the room (migration 008) joins with p_must_wait:
-- it waits in the lobby even when the room's lobby is off, and the visit keeps must_wait.

CREATE OR REPLACE FUNCTION guestlink_join_batch(
  p_token_hashes TEXT[],
  p_visit_ids TEXT[],
  p_names TEXT[],
  p_emails TEXT[],
  p_waiting_cap INT,
  p_must_wait BOOLEAN[]
) RETURNS TABLE (
  ord             INT,
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
  lobby INT;
  -- One entry per distinct link of the batch (l_*), one per distinct room (r_*).
  l_hash TEXT[]; l_id TEXT[]; l_name TEXT[]; l_room TEXT[]; l_reason TEXT[];
  l_clicks INT[]; l_limit INT[]; l_lobby BOOLEAN[];
  l_joined INT[];
  r_id TEXT[]; r_waiting INT[];
  j INT;
  k INT;
  -- Guests of one batch keep their arrival order in the lobby: distinct, rising times.
  joined_at TIMESTAMPTZ := '-infinity';
  v_ids TEXT[] := '{}'; v_rooms TEXT[] := '{}'; v_links TEXT[] := '{}'; v_link_names TEXT[] := '{}';
  v_names TEXT[] := '{}'; v_emails TEXT[] := '{}'; v_statuses TEXT[] := '{}';
  v_times TIMESTAMPTZ[] := '{}';
  v_must_waits BOOLEAN[] := '{}';
BEGIN
  SELECT coalesce(array_agg(locked.id), '{}') INTO l_id
  FROM (
    SELECT l.id FROM guest_links l WHERE l.token_hash = ANY (p_token_hashes)
    ORDER BY l.token_hash FOR UPDATE OF l
  ) locked;
  FOR lobby IN
    SELECT DISTINCT hashtext('lobby:' || l.room_id) FROM guest_links l WHERE l.id = ANY (l_id) ORDER BY 1
  LOOP
    PERFORM pg_advisory_xact_lock(lobby);
  END LOOP;

  -- Read after the locks: every earlier join's clicks and waiting guests are committed.
  -- The reason each link refuses whatever its counts: accessProblem's order.
  SELECT
    array_agg(a.token_hash), array_agg(a.link_id), array_agg(a.link_name), array_agg(a.room_id),
    array_agg(CASE
      WHEN NOT a.room_available THEN 'room-unavailable'
      WHEN NOT (a.modules_enabled AND a.guest_access_enabled AND a.room_type = 'room') THEN 'guest-access-off'
      WHEN a.link_deleted THEN 'link-invalid'
      WHEN a.link_expires_at IS NOT NULL AND a.link_expires_at <= clock_timestamp() THEN 'link-invalid'
    END),
    array_agg(a.clicks_used), array_agg(a.click_limit), array_agg(a.lobby_enabled),
    array_agg(0)
  INTO l_hash, l_id, l_name, l_room, l_reason, l_clicks, l_limit, l_lobby, l_joined
  FROM guest_link_access a
  WHERE a.link_id = ANY (l_id);

  SELECT array_agg(r.id), array_agg(coalesce(c.waiting, 0)) INTO r_id, r_waiting
  FROM rooms r LEFT JOIN room_lobby_counts c ON c.room_id = r.id
  WHERE r.id = ANY (l_room);

  FOR i IN 1 .. coalesce(array_length(p_token_hashes, 1), 0) LOOP
    ord := i;
    reason := NULL; id := NULL; room_id := NULL; link_id := NULL; link_name := NULL; name := NULL;
    email := NULL; status := NULL; outcome_reason := NULL; created_at := NULL; decided_at := NULL;
    decided_by_name := NULL; left_at := NULL;
    j := array_position(l_hash, p_token_hashes[i]);
    IF j IS NULL THEN
      reason := 'unknown-link';
    ELSE
      k := array_position(r_id, l_room[j]);
      reason := l_reason[j];
      IF reason IS NULL AND l_limit[j] IS NOT NULL AND l_clicks[j] >= l_limit[j] THEN
        reason := 'link-invalid';
      END IF;
      IF reason IS NULL AND (l_lobby[j] OR p_must_wait[i]) AND r_waiting[k] >= p_waiting_cap THEN
        reason := 'lobby-full';
      END IF;
    END IF;
    IF reason IS NULL THEN
      l_clicks[j] := l_clicks[j] + 1;
      l_joined[j] := l_joined[j] + 1;
      IF l_lobby[j] OR p_must_wait[i] THEN r_waiting[k] := r_waiting[k] + 1; END IF;
      id := p_visit_ids[i]; room_id := l_room[j]; link_id := l_id[j]; link_name := l_name[j];
      name := p_names[i]; email := p_emails[i];
      status := CASE WHEN l_lobby[j] OR p_must_wait[i] THEN 'waiting' ELSE 'admitted' END;
      joined_at := greatest(clock_timestamp(), joined_at + interval '1 microsecond');
      created_at := joined_at;
      decided_at := CASE WHEN status = 'waiting' THEN NULL ELSE joined_at END;
      v_ids := v_ids || id; v_rooms := v_rooms || room_id; v_links := v_links || link_id;
      v_link_names := v_link_names || link_name; v_names := v_names || name;
      v_emails := v_emails || email; v_statuses := v_statuses || status; v_times := v_times || joined_at;
      v_must_waits := v_must_waits || coalesce(p_must_wait[i], false);
    END IF;
    RETURN NEXT;
  END LOOP;

  UPDATE guest_links l SET clicks_used = l.clicks_used + c.joined
  FROM unnest(l_id, l_joined) AS c(link_id, joined)
  WHERE l.id = c.link_id AND c.joined > 0;

  INSERT INTO guest_visits (id, room_id, link_id, link_name, name, email, status, created_at, decided_at, must_wait)
  SELECT v.id, v.room_id, v.link_id, v.link_name, v.name, v.email, v.status, v.at,
         CASE WHEN v.status = 'admitted' THEN v.at END, v.must_wait
  FROM unnest(v_ids, v_rooms, v_links, v_link_names, v_names, v_emails, v_statuses, v_times, v_must_waits)
    AS v(id, room_id, link_id, link_name, name, email, status, at, must_wait);
END
$$;

-- Instances still running the previous release call the five-argument form: nobody must wait.
CREATE OR REPLACE FUNCTION guestlink_join_batch(
  p_token_hashes TEXT[],
  p_visit_ids TEXT[],
  p_names TEXT[],
  p_emails TEXT[],
  p_waiting_cap INT
) RETURNS TABLE (
  ord             INT,
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
LANGUAGE sql
VOLATILE
AS $$
  SELECT * FROM guestlink_join_batch(
    p_token_hashes, p_visit_ids, p_names, p_emails, p_waiting_cap,
    array_fill(false, ARRAY[coalesce(array_length(p_token_hashes, 1), 0)])
  );
$$;
