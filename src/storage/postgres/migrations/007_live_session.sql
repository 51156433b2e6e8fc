-- The live session (src/live): who is connected to each room's stage, with what rights.
--
-- One row per connected page, unique per identity and room: a second page of the same user
-- or guest replaces the first. The rules of the room hold in the table itself: only a
-- viewer or guest can be "speaking" (invited to present), and nobody but a presenter can
-- be recorded as sending media. A row is current while its instance keeps touching
-- seen_at; rows of an instance that went away are swept (live.pg-store.ts).
CREATE TABLE live_participants (
  id             TEXT PRIMARY KEY,
  room_id        TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  identity       TEXT NOT NULL,
  visit_id       TEXT REFERENCES guest_visits (id) ON DELETE CASCADE,
  user_id        TEXT,
  name           TEXT NOT NULL,
  base_role      TEXT NOT NULL CHECK (base_role IN ('host', 'moderator', 'viewer', 'guest')),
  speaking       BOOLEAN NOT NULL DEFAULT false,
  hand_raised_at TIMESTAMPTZ,
  audio          BOOLEAN NOT NULL DEFAULT false,
  video          BOOLEAN NOT NULL DEFAULT false,
  screen         BOOLEAN NOT NULL DEFAULT false,
  instance_id    TEXT NOT NULL,
  joined_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  seen_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- Grows with every change, so that events arriving out of order can be told apart.
  version        BIGINT NOT NULL DEFAULT 1,
  UNIQUE (room_id, identity),
  CONSTRAINT live_participants_speaking CHECK (NOT speaking OR base_role IN ('viewer', 'guest')),
  CONSTRAINT live_participants_presenters_only CHECK (
    NOT (audio OR video OR screen) OR speaking OR base_role IN ('host', 'moderator')
  ),
  CONSTRAINT live_participants_guest_visit CHECK ((base_role = 'guest') = (visit_id IS NOT NULL))
);
CREATE INDEX live_participants_instance ON live_participants (instance_id);
CREATE INDEX live_participants_seen ON live_participants (seen_at);
CREATE INDEX live_participants_visit ON live_participants (visit_id);

-- Launched users a moderator removed: kept out of the room's live session until let back in.
CREATE TABLE live_removals (
  room_id         TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  identity        TEXT NOT NULL,
  name            TEXT NOT NULL,
  -- Who they were: only the host lets a removed moderator back.
  base_role       TEXT NOT NULL CHECK (base_role IN ('host', 'moderator', 'viewer')),
  removed_by      TEXT,
  removed_by_name TEXT,
  removed_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (room_id, identity)
);

-- A guest a moderator removed from the room: their browser cannot come back on that visit.
ALTER TABLE guest_visits DROP CONSTRAINT guest_visits_status_check;
ALTER TABLE guest_visits ADD CONSTRAINT guest_visits_status_check
  CHECK (status IN ('waiting', 'admitted', 'denied', 'left', 'removed'));
ALTER TABLE guest_visits
  ADD COLUMN removed_at      TIMESTAMPTZ,
  ADD COLUMN removed_by      TEXT,
  ADD COLUMN removed_by_name TEXT;
