-- Inviting an address again once its invitation expired (issue 13 review): the expired one is
-- replaced in the same transaction that creates the new one. It stays as it was (expired, its
-- visit untouched, purged with the guest log retention), but no longer holds the address.
ALTER TABLE invitations
  ADD COLUMN replaced_at TIMESTAMPTZ,
  ADD COLUMN replaced_by TEXT;
-- One invitation per address and room, until it is revoked or replaced.
DROP INDEX invitations_room_email;
CREATE UNIQUE INDEX invitations_room_email ON invitations (room_id, email_key)
  WHERE revoked_at IS NULL AND replaced_at IS NULL;
