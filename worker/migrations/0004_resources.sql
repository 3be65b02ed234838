-- Resource publishing: browser uploads staged in R2 (multipart), synchronisation state and the log of every sync run.

-- A file sent from the resource form before the form is saved. Stored at its final R2 key
-- (resources/{resource_id}/{version_id}/{file_name}); unattached rows older than a day are purged with their object.
CREATE TABLE resource_uploads (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  dataset_id    TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  resource_id   TEXT NOT NULL,                -- the resource it replaces, or the id the new resource will take
  version_id    TEXT NOT NULL,
  file_key      TEXT NOT NULL,
  file_name     TEXT NOT NULL,
  declared_size INTEGER NOT NULL,
  r2_upload_id  TEXT,                         -- R2 multipart upload while parts arrive
  parts         TEXT NOT NULL DEFAULT '[]',   -- JSON [{partNumber, etag, size}]
  status        TEXT NOT NULL DEFAULT 'uploading' CHECK (status IN ('uploading', 'stored', 'attached')),
  size_bytes    INTEGER,
  sha256        TEXT,
  format        TEXT,                         -- detected from the content
  encoding      TEXT,
  created_at    TEXT NOT NULL
);
CREATE INDEX resource_uploads_created ON resource_uploads(status, created_at);

-- Synchronised resources (URL download, SFTP deposit): when the last attempt ran, and whose SFTP home holds the file.
ALTER TABLE resources ADD COLUMN last_sync_at TEXT;
ALTER TABLE resources ADD COLUMN sftp_user_id TEXT REFERENCES users(id) ON DELETE SET NULL;

CREATE TABLE resource_sync_runs (
  id          INTEGER PRIMARY KEY,
  resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  started_at  TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  trigger     TEXT NOT NULL CHECK (trigger IN ('schedule', 'form')),
  result      TEXT NOT NULL CHECK (result IN ('updated', 'unchanged', 'failed')),
  error       TEXT,                          -- French message shown on /user/syncs and mailed
  version_id  TEXT
);
CREATE INDEX resource_sync_runs_resource ON resource_sync_runs(resource_id, id);
