-- Keeps room_lobby_counts (migration 005, which explains why it exists) exact: the statement
-- triggers on guest_visits that 005 created call this function.
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
