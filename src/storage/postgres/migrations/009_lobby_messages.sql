-- Talking to the lobby (issue 12). A room's lobby message is shown to every guest waiting in
-- it; a private message is shown to one waiting guest only (the latest one is kept on the
-- visit). Both are short, plain text: the length limit holds here whatever the caller sends.
ALTER TABLE rooms
  ADD COLUMN lobby_message            TEXT,
  ADD COLUMN lobby_message_updated_at TIMESTAMPTZ,
  ADD COLUMN lobby_message_updated_by TEXT,
  ADD CONSTRAINT rooms_lobby_message_length
    CHECK (lobby_message IS NULL OR char_length(lobby_message) BETWEEN 1 AND 500);

ALTER TABLE guest_visits
  ADD COLUMN private_message    TEXT,
  ADD COLUMN private_message_at TIMESTAMPTZ,
  ADD CONSTRAINT guest_visits_private_message_length
    CHECK (private_message IS NULL OR char_length(private_message) BETWEEN 1 AND 500),
  ADD CONSTRAINT guest_visits_private_message_at
    CHECK ((private_message IS NULL) = (private_message_at IS NULL));
