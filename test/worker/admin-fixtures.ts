// Organisations, datasets and audit reads for the administration console tests. Organisations are inserted directly:
// the console reads rows, whatever created them (import, creation request).
import { env, SELF } from 'cloudflare:test';
import { ORIGIN } from './accounts-fixtures';

export async function createOrganization(options: { legalName: string; active?: boolean; domains?: string[] }): Promise<string> {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  const slug = options.legalName.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  await env.DB.prepare(
    `INSERT INTO organizations (id, slug, legal_name, org_type, email_domains, is_active, created_at, updated_at)
     VALUES (?, ?, ?, 'commune', ?, ?, ?, ?)`,
  ).bind(id, slug, options.legalName, JSON.stringify(options.domains ?? []), options.active === false ? 0 : 1, now, now).run();
  return id;
}

export async function createDataset(organizationId: string, slug: string): Promise<void> {
  const now = new Date().toISOString();
  await env.DB.prepare(
    `INSERT INTO datasets (id, slug, title, organization_id, licence_id, date_created, date_modified, date_published, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'lov2', ?, ?, ?, ?, ?)`,
  ).bind(crypto.randomUUID(), slug, slug, organizationId, now, now, now, now, now).run();
}

export interface AuditEntry {
  actor: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  detail: Record<string, unknown>;
}

export async function auditLog(): Promise<AuditEntry[]> {
  const rows = await env.DB.prepare('SELECT actor, action, object_type, object_id, detail FROM audit_log ORDER BY id')
    .all<Omit<AuditEntry, 'detail'> & { detail: string }>();
  return rows.results.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

export function getPage(path: string, cookie?: string): Promise<Response> {
  return SELF.fetch(`${ORIGIN}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

export async function rolesOf(userId: string, organizationId: string): Promise<string[]> {
  const rows = await env.DB.prepare('SELECT role FROM memberships WHERE user_id = ? AND organization_id = ? ORDER BY role')
    .bind(userId, organizationId).all<{ role: string }>();
  return rows.results.map((r) => r.role);
}

const CSRF_COOKIE_VALUE = /__Host-csrf=([^;]+)/;

/**
 * What a forger can send: a cross-site POST (even carrying the right token, the Origin gives it away) and a
 * same-origin POST without the form's CSRF field.
 */
export function forgedPosts(path: string, fields: Record<string, string>, cookie: string): Promise<Response>[] {
  const headers = { cookie, 'content-type': 'application/x-www-form-urlencoded' };
  const token = CSRF_COOKIE_VALUE.exec(cookie)![1]!;
  return [
    SELF.fetch(`${ORIGIN}${path}`, {
      method: 'POST', redirect: 'manual', headers: { ...headers, origin: 'https://evil.example' },
      body: new URLSearchParams({ ...fields, _csrf: token }),
    }),
    SELF.fetch(`${ORIGIN}${path}`, {
      method: 'POST', redirect: 'manual', headers: { ...headers, origin: ORIGIN }, body: new URLSearchParams(fields),
    }),
  ];
}
