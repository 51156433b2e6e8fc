-- The language an invitation's email is written in (issue 15): the inviter's choice, kept so a
-- Resend writes the same language, and the invitee's pages fall back to it when the browser
-- asks for none of ours. Invitations made before it was kept were written in English.
ALTER TABLE invitations
  ADD COLUMN locale TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'es', 'fr', 'de', 'nl', 'ar'));
