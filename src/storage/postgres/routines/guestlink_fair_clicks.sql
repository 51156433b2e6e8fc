-- Fair clicks (migration 010, which explains the rule): the triggers it created call these.

-- Every way a visit is admitted marks it as having got in: its click is then kept.
CREATE OR REPLACE FUNCTION guestlink_mark_admitted() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF NEW.status = 'admitted' THEN
    NEW.admitted_once := true;
  END IF;
  RETURN NEW;
END
$$;

-- A visit that stops waiting without ever having got in (denied by a moderator or by Deny
-- all, turned away because guest access went off or its link was deleted, or the guest left
-- the lobby) gives its click back to its link, in the same transaction, never below 0.
--
-- Lock order: the links, sorted by token_hash as guestlink_join_batch sorts them, before
-- the room's lobby count (this trigger's name sorts before guest_visits_count_waiting_update).
-- A statement that holds the room's lobby advisory lock while it turns guests away must
-- lock the room's links first (lockRoomLinks in guest-access.pg-store.ts), as a join batch
-- takes links before that lock.
CREATE OR REPLACE FUNCTION guestlink_give_clicks_back() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  changed_links TEXT[];
  returned INT[];
BEGIN
  SELECT array_agg(n.link_id ORDER BY n.link_id), array_agg(n.clicks ORDER BY n.link_id)
  INTO changed_links, returned
  FROM (
    SELECT new_rows.link_id, count(*)::int AS clicks
    FROM new_rows JOIN old_rows ON old_rows.id = new_rows.id
    WHERE old_rows.status = 'waiting'
      AND new_rows.status IN ('denied', 'left', 'removed')
      AND NOT new_rows.admitted_once
      -- An invited person's visit (no link) holds no click.
      AND new_rows.link_id IS NOT NULL
    GROUP BY new_rows.link_id
  ) n;
  IF changed_links IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM guest_links WHERE id = ANY (changed_links) ORDER BY token_hash FOR UPDATE;
  UPDATE guest_links l SET clicks_used = greatest(l.clicks_used - r.clicks, 0)
  FROM unnest(changed_links, returned) AS r(link_id, clicks)
  WHERE l.id = r.link_id;
  RETURN NULL;
END
$$;
