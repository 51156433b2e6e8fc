-- The login request's own parameters, so a launch whose cookies a framing browser
-- withheld can be started again in a new window.
ALTER TABLE lti_login_states ADD COLUMN relaunch_query TEXT NOT NULL DEFAULT '';
