-- Accounts: sessions, API tokens, single-use mail tokens, terms versions, role and organisation requests,
-- webmail exceptions, rate limits and the mail outbox. Extends 0001's users, organizations and memberships.

ALTER TABLE users ADD COLUMN terms_version TEXT;          -- version of the terms last accepted
ALTER TABLE users ADD COLUMN terms_accepted_at TEXT;
ALTER TABLE users ADD COLUMN password_changed_at TEXT;
ALTER TABLE users ADD COLUMN roles_changed_at TEXT;       -- sessions older than this are rotated at their next use

-- Conditions d'utilisation: the newest row is the current version; users re-accept when a newer one exists.
CREATE TABLE terms_versions (
  version      TEXT PRIMARY KEY,
  published_at TEXT NOT NULL,
  summary      TEXT NOT NULL DEFAULT ''   -- what changed, shown when asking to re-accept
);
INSERT INTO terms_versions (version, published_at, summary) VALUES ('2026-01', '2026-01-01T00:00:00Z', '');

-- Sessions the Lucia-guide way: the cookie holds a random token, the table its SHA-256 (hex) only.
CREATE TABLE sessions (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- API tokens: shown once, stored hashed (SHA-256 hex); scope 'read' or 'read_write'.
CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  scope        TEXT NOT NULL CHECK (scope IN ('read', 'read_write')),
  created_at   TEXT NOT NULL,
  expires_at   TEXT,
  last_used_at TEXT,
  revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Single-use links sent by mail: e-mail confirmation, password reset, change of e-mail.
CREATE TABLE account_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose    TEXT NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password', 'change_email')),
  new_email  TEXT,                         -- for change_email
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at    TEXT
);
CREATE INDEX account_tokens_user ON account_tokens(user_id, purpose);

-- Requests validated in the portal: join an organisation, become contributeur or référent, create an organisation
-- (the organisation row exists with is_active = 0 until an administrator accepts).
CREATE TABLE role_requests (
  id              TEXT PRIMARY KEY,
  user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  kind            TEXT NOT NULL CHECK (kind IN ('member', 'contributor', 'referent', 'organization')),
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'refused', 'cancelled')),
  message         TEXT NOT NULL DEFAULT '',  -- from the requester
  decided_by      TEXT REFERENCES users(id) ON DELETE SET NULL,
  decided_at      TEXT,
  decision_note   TEXT NOT NULL DEFAULT '',  -- from the validator, mailed to the requester
  created_at      TEXT NOT NULL
);
CREATE INDEX role_requests_pending ON role_requests(status, organization_id);
CREATE UNIQUE INDEX role_requests_one_pending ON role_requests(user_id, organization_id, kind) WHERE status = 'pending';

-- Administrators' audited exceptions to the personal e-mail rule, per user and organisation.
CREATE TABLE webmail_exceptions (
  user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  granted_by      TEXT REFERENCES users(id) ON DELETE SET NULL,
  reason          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (user_id, organization_id)
);

-- Fixed-window counters for rate limits (login and reset per account and per IP, contact forms…).
CREATE TABLE rate_limits (
  key          TEXT PRIMARY KEY,             -- e.g. 'login:ip:203.0.113.4'
  window_start INTEGER NOT NULL,             -- epoch seconds
  count        INTEGER NOT NULL
);

-- Every mail the portal sends is written here first; the transport delivers and marks it.
CREATE TABLE mail_outbox (
  id         TEXT PRIMARY KEY,
  template   TEXT NOT NULL,
  to_address TEXT NOT NULL,
  subject    TEXT NOT NULL,
  body_text  TEXT NOT NULL,
  status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'kept_local')),
  error      TEXT,
  created_at TEXT NOT NULL,
  sent_at    TEXT
);
CREATE INDEX mail_outbox_created ON mail_outbox(created_at);
