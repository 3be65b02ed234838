-- DATASTORE database: one table per ingested resource (created by the ingest job, never by migrations) and
-- this registry. The catalogue database (DB) is never written by the datastore.
CREATE TABLE datastore_resources (
  resource_id     TEXT PRIMARY KEY,
  -- What is served: set in one statement when an ingest succeeds, so readers see the old or the new table.
  table_name      TEXT,
  fts_table       TEXT,
  fields          TEXT,                       -- JSON [{id, label, type}]
  row_count       INTEGER,
  source_sha256   TEXT,
  ingested_at     TEXT,
  -- Contributor's choice of Excel sheet (NULL: the last sheet).
  sheet           TEXT,
  -- The latest ingest job and its progress.
  job_id          TEXT,
  job_state       TEXT CHECK (job_state IN ('queued', 'running', 'done', 'failed', 'skipped')),
  job_table       TEXT,                       -- table being built; dropped if the job does not finish
  rows_loaded     INTEGER NOT NULL DEFAULT 0,
  rows_total      INTEGER,
  report          TEXT,                       -- JSON IngestReport (French messages)
  job_started_at  TEXT,
  job_finished_at TEXT
);
