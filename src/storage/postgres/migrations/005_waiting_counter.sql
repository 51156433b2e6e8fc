-- The lobby cap must not count a room's waiting visits on every join: under a surge that
-- count grows with every guest let in line, so each join would cost more than the one
-- before (about 0.6 ms of database time per join with 3,000 waiting, measured). Each
-- room's number of waiting visits is kept in room_lobby_counts by statement triggers on
-- guest_visits, so every way a visit enters or leaves the lobby (join, admit, deny, leave,
-- access turned off, link deleted, retention purge) keeps it exact. The joins read it (006).
--
-- A table of its own, not a column of rooms: settings changes lock the room row and then
-- update its visits, while a guest leaving or being admitted updates the visit and then
-- the count; on the room row those two orders would deadlock. Nothing else locks these
-- rows, and the trigger locks them in room order.
CREATE TABLE room_lobby_counts (
  room_id TEXT PRIMARY KEY,
  waiting INT NOT NULL
);

INSERT INTO room_lobby_counts (room_id, waiting)
SELECT room_id, count(*)::int FROM guest_visits WHERE status = 'waiting' GROUP BY room_id;

CREATE OR REPLACE FUNCTION guestlink_count_waiting() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  changed_rooms TEXT[];
  deltas INT[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO room_lobby_counts AS c (room_id, waiting)
    SELECT room_id, count(*)::int FROM new_rows WHERE status = 'waiting' GROUP BY room_id ORDER BY room_id
    ON CONFLICT (room_id) DO UPDATE SET waiting = c.waiting + excluded.waiting;
    RETURN NULL;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(room_id ORDER BY room_id), array_agg(n ORDER BY room_id) INTO changed_rooms, deltas
    FROM (
      SELECT room_id, sum(n)::int AS n FROM (
        SELECT room_id, 1 AS n FROM new_rows WHERE status = 'waiting'
        UNION ALL
        SELECT room_id, -1 FROM old_rows WHERE status = 'waiting'
      ) each_change
      GROUP BY room_id
      HAVING sum(n) <> 0
    ) changes;
  ELSE
    SELECT array_agg(room_id ORDER BY room_id), array_agg(n ORDER BY room_id) INTO changed_rooms, deltas
    FROM (SELECT room_id, -count(*)::int AS n FROM old_rows WHERE status = 'waiting' GROUP BY room_id) changes;
  END IF;
  IF changed_rooms IS NULL THEN
    RETURN NULL;
  END IF;
  -- Row locks in room order, so statements changing several rooms never deadlock.
  PERFORM 1 FROM room_lobby_counts WHERE room_id = ANY (changed_rooms) ORDER BY room_id FOR UPDATE;
  UPDATE room_lobby_counts c SET waiting = c.waiting + d.n
  FROM unnest(changed_rooms, deltas) AS d(room_id, n)
  WHERE c.room_id = d.room_id;
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
