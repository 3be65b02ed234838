import type { JobMessage } from './store/queue';

// Bindings and settings of the Worker (wrangler.toml, secrets in .dev.vars locally).
export interface Env {
  DB: D1Database;
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
  /** Secret: bearer token of the portal's own tooling (catalogue import, snapshot for the static build). */
  OPERATOR_TOKEN: string;
  /** Secret sent to the rebuild hook so it only builds on our request. */
  REBUILD_HOOK_TOKEN: string;
  /** SFTP server address shown to users: host (PORTAL_PUBLIC_URL's host when unset) and port (8322 when unset). */
  SFTP_HOST?: string;
  SFTP_PORT?: string;
  /** Largest file a user may deposit over SFTP, in bytes (100 MB when unset). */
  SFTP_MAX_FILE_BYTES?: string;
}
