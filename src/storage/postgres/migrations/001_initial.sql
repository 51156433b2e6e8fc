-- Platform registrations as last loaded from config/platforms.json (plus the sandbox).
-- Kept in the database so every instance and every query sees the same settings.
CREATE TABLE platforms (
  id             TEXT PRIMARY KEY,
  issuer         TEXT NOT NULL,
  client_id      TEXT NOT NULL,
  name           TEXT NOT NULL,
  deployment_ids TEXT[] NOT NULL,
  settings       JSONB NOT NULL,
  active         BOOLEAN NOT NULL DEFAULT true,
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (issuer, client_id)
);

-- One room per LMS resource link.
CREATE TABLE rooms (
  id               TEXT PRIMARY KEY,
  platform_id      TEXT NOT NULL REFERENCES platforms (id),
  deployment_id    TEXT NOT NULL,
  context_id       TEXT NOT NULL,
  resource_link_id TEXT NOT NULL,
  title            TEXT NOT NULL,
  context_title    TEXT,
  room_type        TEXT NOT NULL CHECK (room_type IN ('room', 'media-gallery')),
  media_url        TEXT,
  host_user_id     TEXT,
  host_name        TEXT,
  lobby_enabled    BOOLEAN NOT NULL DEFAULT true,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  deleted_at       TIMESTAMPTZ,
  UNIQUE (platform_id, deployment_id, context_id, resource_link_id)
);

-- ltijs's own documents (platforms, keys, tokens, nonces, state), one row per document.
CREATE TABLE lti_documents (
  id         BIGSERIAL PRIMARY KEY,
  collection TEXT NOT NULL,
  doc        JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at TIMESTAMPTZ
);
CREATE INDEX lti_documents_collection ON lti_documents (collection);
CREATE INDEX lti_documents_doc ON lti_documents USING gin (doc jsonb_path_ops);
CREATE INDEX lti_documents_expiry ON lti_documents (expires_at) WHERE expires_at IS NOT NULL;

-- Binds each OIDC login's state to the nonce we sent, so an id_token is accepted once,
-- only for the login that asked for it (ltijs checks neither).
CREATE TABLE lti_login_states (
  state           TEXT PRIMARY KEY,
  nonce           TEXT NOT NULL,
  platform_id     TEXT NOT NULL,
  target_link_uri TEXT NOT NULL,
  expires_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX lti_login_states_expiry ON lti_login_states (expires_at);

-- The LMS sandbox's signing key, shared by every instance on this database.
CREATE TABLE sandbox_keys (
  kid         TEXT PRIMARY KEY,
  private_jwk TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
