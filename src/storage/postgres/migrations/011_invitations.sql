-- Invite users (issue 13, docs/product.md §13): personal invitations to a room's live session,
-- each with a role. Like guest links, only the token's hash is kept (and the seed it is derived
-- from with the app secret, so the window can show the link again).
CREATE TABLE invitations (
  id              TEXT PRIMARY KEY,
  room_id         TEXT NOT NULL REFERENCES rooms (id),
  token_seed      TEXT NOT NULL,
  token_hash      TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
  email           TEXT NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
  email_key       TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('viewer', 'speaker', 'moderator')),
  expires_at      TIMESTAMPTZ,
  starts_at       TIMESTAMPTZ,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  created_by      TEXT NOT NULL,
  created_by_name TEXT,
  -- The first browser that confirmed the email: the hash of the secret in its cookie.
  claimed_at      TIMESTAMPTZ,
  claim_hash      TEXT,
  visit_id        TEXT UNIQUE,
  last_joined_at  TIMESTAMPTZ,
  revoked_at      TIMESTAMPTZ,
  revoked_by      TEXT,
  revoked_by_name TEXT,
  email_status    TEXT NOT NULL DEFAULT 'not-sent'
                  CHECK (email_status IN ('not-sent', 'sent', 'failed', 'not-configured')),
  email_error     TEXT CHECK (email_error IS NULL OR char_length(email_error) <= 500),
  email_sent_at   TIMESTAMPTZ,
  CONSTRAINT invitations_claim CHECK ((claimed_at IS NULL) = (claim_hash IS NULL)),
  CONSTRAINT invitations_email_key CHECK (email_key = lower(btrim(email)))
);
-- One invitation per address and room, until it is revoked.
CREATE UNIQUE INDEX invitations_room_email ON invitations (room_id, email_key) WHERE revoked_at IS NULL;
CREATE INDEX invitations_room_created ON invitations (room_id, created_at DESC);
CREATE INDEX invitations_created ON invitations (created_at);

-- Invitees skip the lobby unless the room says otherwise.
ALTER TABLE rooms ADD COLUMN invitees_wait BOOLEAN NOT NULL DEFAULT false;

-- An invited person's visit has no link: it belongs to their invitation instead.
ALTER TABLE guest_visits ALTER COLUMN link_id DROP NOT NULL;
ALTER TABLE guest_visits ALTER COLUMN link_name DROP NOT NULL;
ALTER TABLE guest_visits
  ADD COLUMN invitation_id TEXT REFERENCES invitations (id),
  ADD CONSTRAINT guest_visits_link_or_invitation CHECK ((link_id IS NULL) <> (invitation_id IS NULL));
CREATE INDEX guest_visits_invitation ON guest_visits (invitation_id) WHERE invitation_id IS NOT NULL;
ALTER TABLE invitations
  ADD CONSTRAINT invitations_visit FOREIGN KEY (visit_id) REFERENCES guest_visits (id) DEFERRABLE INITIALLY DEFERRED;

-- On the stage an invited person is a viewer, a speaker (presents by role, not by a
-- moderator's invitation to speak) or a moderator, and has a visit like a guest.
ALTER TABLE live_participants DROP CONSTRAINT live_participants_base_role_check;
ALTER TABLE live_participants ADD CONSTRAINT live_participants_base_role_check
  CHECK (base_role IN ('host', 'moderator', 'speaker', 'viewer', 'guest'));
ALTER TABLE live_participants DROP CONSTRAINT live_participants_presenters_only;
ALTER TABLE live_participants ADD CONSTRAINT live_participants_presenters_only CHECK (
  NOT (audio OR video OR screen) OR speaking OR base_role IN ('host', 'moderator', 'speaker')
);
ALTER TABLE live_participants DROP CONSTRAINT live_participants_guest_visit;
ALTER TABLE live_participants ADD CONSTRAINT live_participants_guest_visit
  CHECK (base_role <> 'guest' OR visit_id IS NOT NULL);
