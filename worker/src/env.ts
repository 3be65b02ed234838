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
  /** Largest resource file accepted from an upload, a URL or an SFTP deposit, in bytes (100 MB when unset). */
  UPLOAD_MAX_BYTES?: string;
  /**
   * Test-only: comma-separated `host:port` pairs the URL download may fetch although they are private (a local file
   * server). Never set in wrangler.toml nor in production.
   */
  ALLOW_PRIVATE_FETCH_FOR_TESTS?: string;
  /** Secret: bearer token of the portal's own tooling (catalogue import, snapshot for the static build). */
  OPERATOR_TOKEN: string;
  /** Secret sent to the rebuild hook so it only builds on our request. */
  REBUILD_HOOK_TOKEN: string;
}
