// Datasets, organisations and form posts for the resource publishing tests.
import { createExecutionContext, createScheduledController, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../../worker/src/index';
import { ORIGIN } from './accounts-fixtures';

const CSRF = 'abcdefghijklmnopqrstuvwxyz234567';
export const FILES = `http://${env.FILE_SERVER_HOST}`;

export async function createOrganization(slug: string, legalName: string): Promise<string> {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  await env.DB.prepare(`INSERT INTO organizations (id, slug, legal_name, org_type, is_active, created_at, updated_at) VALUES (?, ?, ?, 'commune', 1, ?, ?)`)
    .bind(id, slug, legalName, now, now).run();
  return id;
}

export async function createDataset(options: { organizationId: string; creatorUserId?: string | null; published?: boolean; defaultAccess?: string; ownerEmail?: string }): Promise<string> {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  await env.DB.prepare(
    `INSERT INTO datasets (id, slug, title, organization_id, creator_user_id, licence_id, owner_email, date_created, date_modified, date_published, published, default_access, created_at, updated_at)
     VALUES (?, ?, 'Population des communes', ?, ?, 'lov2', ?, '2024-01-01', '2024-01-01', '2024-01-01', ?, ?, ?, ?)`,
  ).bind(id, `population-${id.slice(0, 8)}`, options.organizationId, options.creatorUserId ?? null, options.ownerEmail ?? null,
    options.published === false ? 0 : 1, options.defaultAccess ?? 'public', now, now).run();
  return id;
}

/** A multipart form post as the browser sends the resource form (with or without a file). */
export function postResourceForm(path: string, fields: Record<string, string | string[]>, cookie: string, file?: { name: string; bytes: Uint8Array | string; type?: string }): Promise<Response> {
  const form = new FormData();
  form.set('_csrf', CSRF);
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
  }
  if (file) form.set('file', new File([file.bytes], file.name, { type: file.type ?? 'application/octet-stream' }));
  return SELF.fetch(`${ORIGIN}${path}`, { method: 'POST', redirect: 'manual', headers: { origin: ORIGIN, cookie }, body: form });
}

/** The upload script's protocol: create, parts of `partSize`, complete. */
export async function uploadInParts(datasetId: string, cookie: string, name: string, bytes: Uint8Array, resourceId?: string): Promise<Response> {
  const base = `${ORIGIN}/user/datasets/${datasetId}/resources/uploads`;
  const created = await postResourceFormAbsolute(base, { file_name: name, size: String(bytes.length), ...(resourceId ? { resource_id: resourceId } : {}) }, cookie);
  if (created.status !== 201) return created;
  const { uploadId, partSize } = await created.json<{ uploadId: string; partSize: number }>();
  for (let i = 0, n = 1; i < bytes.length; i += partSize, n++) {
    const part = await SELF.fetch(`${base}/${uploadId}/parts/${n}`, {
      method: 'PUT', headers: { origin: ORIGIN, cookie, 'x-csrf-token': CSRF }, body: bytes.slice(i, i + partSize),
    });
    if (!part.ok) return part;
  }
  return postResourceFormAbsolute(`${base}/${uploadId}/complete`, {}, cookie);
}

function postResourceFormAbsolute(url: string, fields: Record<string, string>, cookie: string): Promise<Response> {
  const form = new FormData();
  form.set('_csrf', CSRF);
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  return SELF.fetch(url, { method: 'POST', redirect: 'manual', headers: { origin: ORIGIN, cookie }, body: form });
}

/**
 * Serves `body` at `${FILES}/files/${name}`. `etag`, `lastModified`: the validators sent ('none': not sent; by
 * default from the content and the time of the call); `ignoreConditional`: a server that always answers 200.
 */
export async function putServedFile(name: string, body: Uint8Array | string, type = 'text/csv',
  options: { etag?: string; lastModified?: string; ignoreConditional?: boolean } = {}): Promise<void> {
  const headers: Record<string, string> = { 'content-type': type };
  if (options.etag) headers['x-etag'] = options.etag;
  if (options.lastModified) headers['x-last-modified'] = options.lastModified;
  if (options.ignoreConditional) headers['x-conditional'] = 'ignore';
  await fetch(`${FILES}/control/${name}`, { method: 'PUT', body, headers });
}

/** The GETs the test server received for a file: the conditional headers sent and the status it answered. */
export async function servedRequests(name: string): Promise<{ ifNoneMatch: string | null; ifModifiedSince: string | null; status: number }[]> {
  return (await fetch(`${FILES}/requests/${name}`)).json();
}

export async function removeServedFile(name: string): Promise<void> {
  await fetch(`${FILES}/control/${name}`, { method: 'DELETE' });
}

export async function demoFile(name: string): Promise<Uint8Array> {
  const response = await fetch(`${FILES}/demo/${name}`);
  if (!response.ok) throw new Error(`demo file ${name}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function resourcesOf(datasetId: string) {
  return (await env.DB.prepare('SELECT * FROM resources WHERE dataset_id = ? ORDER BY position').bind(datasetId).all<Record<string, unknown>>()).results;
}

export async function mailsTo(address: string) {
  return (await env.DB.prepare('SELECT template, subject, body_text FROM mail_outbox WHERE to_address = ? ORDER BY created_at').bind(address)
    .all<{ template: string; subject: string; body_text: string }>()).results;
}

export async function download(datasetId: string, resourceId: string, cookie?: string): Promise<Response> {
  return SELF.fetch(`${ORIGIN}/dataset/${datasetId}/resource/${resourceId}/download/fichier`, { headers: cookie ? { cookie } : {} });
}

export async function errorsOf(response: Response): Promise<string> {
  const text = await response.text();
  const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(text);
  return (summary?.[0] ?? text).replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

/** Runs the Worker's own scheduled handler at a fixed time and waits for its work. */
export async function cron(at: string): Promise<void> {
  const controller = createScheduledController({ scheduledTime: new Date(at), cron: '0 * * * *' });
  const ctx = createExecutionContext();
  await worker.scheduled!(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

export const syncRuns = async (resourceId: string) =>
  (await env.DB.prepare('SELECT started_at, trigger, result, error FROM resource_sync_runs WHERE resource_id = ? ORDER BY id').bind(resourceId)
    .all<{ started_at: string; trigger: string; result: string; error: string | null }>()).results;
