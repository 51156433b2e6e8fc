-- One row per guest who joined through a link: the lobby, the room's guest mode and
-- the guest log all read it. Guests have no account and appear nowhere else.
CREATE TABLE guest_visits (
  id              TEXT PRIMARY KEY,
  room_id         TEXT NOT NULL REFERENCES rooms (id),
  link_id         TEXT NOT NULL REFERENCES guest_links (id),
  link_name       TEXT NOT NULL,
  name            TEXT NOT NULL,
  email           TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('waiting', 'admitted', 'denied', 'left')),
  -- Why a visit ended when nobody decided it: the access toggle, a deleted link.
  outcome_reason  TEXT,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  decided_at      TIMESTAMPTZ,
  decided_by      TEXT,
  decided_by_name TEXT,
  left_at         TIMESTAMPTZ
);
CREATE INDEX guest_visits_room_status ON guest_visits (room_id, status, created_at);
CREATE INDEX guest_visits_link_status ON guest_visits (link_id, status);
CREATE INDEX guest_visits_created ON guest_visits (created_at);
