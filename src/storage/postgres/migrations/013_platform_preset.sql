-- Which LMS a registration is (`platforms add <preset>`), for wording that differs per LMS:
-- where its administrator finds the deployment id, what it calls "launch in a new window".
-- NULL for registrations written before presets were kept, and for the sandbox.
ALTER TABLE platforms
  ADD COLUMN preset TEXT CHECK (preset IN ('blackboard', 'moodle', 'canvas', 'custom'));
