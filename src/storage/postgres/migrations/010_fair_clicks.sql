-- Fair clicks (issue 12). A link's "# of clicks" is how many guests got in: a click is held
-- while its guest waits, kept once they were admitted, and given back when a guest who was
-- never admitted is denied, turned away or leaves the lobby. admitted_once says whether a
-- visit ever got in; it is set by a trigger, so every path that admits (join with the lobby
-- off, admit, admit all, lobby turned off) sets it without knowing about it.
ALTER TABLE guest_visits ADD COLUMN admitted_once BOOLEAN NOT NULL DEFAULT false;

-- Visits that got in before this migration: a decision time on a visit that is not waiting
-- or denied, or a removal (only admitted guests are on the stage).
UPDATE guest_visits SET admitted_once = true
WHERE status = 'admitted' OR status = 'removed' OR (status = 'left' AND decided_at IS NOT NULL);

-- The functions are redefined in routines/guestlink_fair_clicks.sql (re-applied by hash);
-- the triggers need them to exist now.
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

CREATE OR REPLACE FUNCTION guestlink_give_clicks_back() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RETURN NULL;
END
$$;

CREATE TRIGGER guest_visits_mark_admitted BEFORE INSERT OR UPDATE OF status ON guest_visits
  FOR EACH ROW EXECUTE FUNCTION guestlink_mark_admitted();

-- Named to sort before guest_visits_count_waiting_update (005): statement triggers of one
-- event fire in name order, and this one must lock the link rows before that one locks the
-- room's lobby count, the order a join batch takes them in (guestlink_join_batch.sql).
CREATE TRIGGER guest_visits_clicks_given_back AFTER UPDATE ON guest_visits
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION guestlink_give_clicks_back();
