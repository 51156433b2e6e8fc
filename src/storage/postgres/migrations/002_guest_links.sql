ALTER TABLE rooms ADD COLUMN guest_access_enabled BOOLEAN NOT NULL DEFAULT false;

-- Up to three live links per room: each takes one of three slots, and the slot is
-- unique among the room's live links, so no interleaving of creates can make a fourth.
CREATE TABLE guest_links (
  id              TEXT PRIMARY KEY,
  room_id         TEXT NOT NULL REFERENCES rooms (id),
  slot            SMALLINT NOT NULL CHECK (slot BETWEEN 1 AND 3),
  name            TEXT NOT NULL,
  name_key        TEXT NOT NULL,
  -- The link's secret is HMAC(app secret, token_seed); only its SHA-256 is stored, so
  -- a database dump alone yields no usable link.
  token_seed      TEXT NOT NULL,
  token_hash      TEXT NOT NULL UNIQUE,
  click_limit     INTEGER CHECK (click_limit BETWEEN 1 AND 100000),
  clicks_used     INTEGER NOT NULL DEFAULT 0 CHECK (clicks_used >= 0),
  expires_at      TIMESTAMPTZ,
  created_by      TEXT NOT NULL,
  created_by_name TEXT,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  deleted_at      TIMESTAMPTZ,
  CHECK (click_limit IS NULL OR clicks_used <= click_limit)
);
CREATE UNIQUE INDEX guest_links_live_slot ON guest_links (room_id, slot) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX guest_links_live_name ON guest_links (room_id, name_key) WHERE deleted_at IS NULL;

-- Who changed guest access, when, in which room; the guest log reads it.
CREATE TABLE audit_events (
  id            BIGSERIAL PRIMARY KEY,
  room_id       TEXT NOT NULL REFERENCES rooms (id),
  actor_user_id TEXT NOT NULL,
  actor_name    TEXT,
  action        TEXT NOT NULL,
  details       JSONB NOT NULL DEFAULT '{}'::jsonb,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_room ON audit_events (room_id, created_at);
