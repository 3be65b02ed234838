-- SFTP deposit: the SSH public keys users add in their profile to sign in to the SFTP server, and the
-- directories they create in their home (files live in R2 under sftp/{userId}/; an empty directory has no
-- object there, so it is recorded here).

CREATE TABLE sftp_keys (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  key_type     TEXT NOT NULL,              -- ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa
  public_key   TEXT NOT NULL,              -- the key blob, base64 as in the OpenSSH line
  fingerprint  TEXT NOT NULL,              -- SHA256:… as ssh-keygen -l prints it
  bits         INTEGER NOT NULL,
  created_at   TEXT NOT NULL,
  UNIQUE (user_id, fingerprint)
);

CREATE TABLE sftp_directories (
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  path       TEXT NOT NULL,                -- relative to the home, e.g. 'exports/2026'
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_id, path)
);
