import type { JobMessage } from './store/queue';

// Bindings and settings of the Worker (wrangler.toml, secrets in .dev.vars locally).
export interface Env {
  DB: D1Database;
  /** Datastore tables and their registry (worker/migrations-datastore/); never the catalogue. */
  DATASTORE: D1Database;
  FILES: R2Bucket;
  JOBS: Queue<JobMessage>;
  ASSETS: Fetcher;
  PORTAL_PUBLIC_URL: string;
  /** scrypt parameters for new password hashes (`ln=14,r=8,p=5` when unset). */
  PASSWORD_SCRYPT?: string;
  /** Comma-separated webmail domains for the personal e-mail rule (`yahoo.*` style); a built-in list when unset. */
  WEBMAIL_DOMAINS?: string;
  /** Overrides the portal's name in pages and mails. */
  PORTAL_NAME?: string;
  REBUILD_HOOK_URL: string;
  /** Largest file the datastore ingests, in bytes (15 MB when unset, as OPenIG). */
  DATASTORE_MAX_BYTES?: string;
  /** Secret: bearer token of the portal's own tooling (catalogue import, snapshot for the static build). */
  OPERATOR_TOKEN: string;
  /** Secret sent to the rebuild hook so it only builds on our request. */
  REBUILD_HOOK_TOKEN: string;
}
