-- Queue messages not yet handled by a consumer, with the isolate that sent them. Under `wrangler dev` a reload
-- (new site files) drops the local queue's messages; the local build asks the new isolate to send again what an
-- earlier one sent and no consumer handled (docs/decisions.md). Rows are deleted once their batch is handled.
CREATE TABLE job_ledger (
  id      TEXT PRIMARY KEY,
  body    TEXT NOT NULL,
  sender  TEXT NOT NULL,
  sent_at TEXT NOT NULL
);
