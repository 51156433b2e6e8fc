-- The lobby cap used to count a room's waiting visits on every join: under a surge that
-- count grows with every guest let in line, so each join cost more than the one before
-- (about 0.6 ms of database time per join with 3,000 waiting). Each room now keeps its
-- number of waiting visits, maintained by statement triggers on guest_visits so that
-- every way a visit enters or leaves the lobby (join, admit, deny, leave, access turned
-- off, retention purge) keeps it exact. The joins read it (007).
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
