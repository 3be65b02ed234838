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
  /** SFTP server address shown to users: host (PORTAL_PUBLIC_URL's host when unset) and port (8322 when unset). */
  SFTP_HOST?: string;
  SFTP_PORT?: string;
  /** Largest file a user may deposit over SFTP, in bytes (100 MB when unset). */
  SFTP_MAX_FILE_BYTES?: string;
  /** How mail leaves: 'outbox' (kept in D1 only, the local default), 'cloudflare' (MAILER binding) or 'http' (MAIL_API_URL). */
  MAIL_TRANSPORT?: string;
  /** Sender address of the portal's mail (a domain set up for Email Routing when MAIL_TRANSPORT is 'cloudflare'). */
  MAIL_FROM?: string;
  /** Cloudflare send_email binding (wrangler.toml [[send_email]]), used when MAIL_TRANSPORT is 'cloudflare'. */
  MAILER?: SendEmail;
  /** HTTP mail API receiving one JSON POST per mail, when MAIL_TRANSPORT is 'http'. */
  MAIL_API_URL?: string;
  /** Secret: bearer token of the HTTP mail API. */
  MAIL_API_TOKEN?: string;
  /** 'on' serves the local dev mailbox at /dev/mailbox (npm start sets it); never set it in production. */
  DEV_MAILBOX?: string;
  /** Unconfirmed accounts are deleted after this many hours (48 when unset). */
  ACCOUNT_PURGE_HOURS?: string;
  /** Pending role and organisation requests are cancelled after this many days (30 when unset). */
  REQUEST_PURGE_DAYS?: string;
}
