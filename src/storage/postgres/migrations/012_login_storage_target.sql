-- The platform storage frame a login put its state in (LTI postMessage storage), so a
-- framed launch whose cookies were withheld can be bound to the browser without them.
-- relaunch_query (004) is no longer written: a login is never replayed with its one-time
-- lti_message_hint. The column stays (default '') so instances of the previous version
-- can still insert during a rolling upgrade.
ALTER TABLE lti_login_states ADD COLUMN storage_target TEXT;
