// Helpers of the account-flow tests: the outbox as a mailbox, links read from mails, pages fetched as a browser.
import { env, SELF } from 'cloudflare:test';
import { ORIGIN } from './accounts-fixtures';

export interface OutboxMail {
  id: string;
  template: string;
  to_address: string;
  subject: string;
  body_text: string;
  status: string;
  error: string | null;
}

export async function outbox(to?: string): Promise<OutboxMail[]> {
  const rows = to
    ? await env.DB.prepare('SELECT * FROM mail_outbox WHERE to_address = ? ORDER BY created_at, rowid').bind(to).all<OutboxMail>()
    : await env.DB.prepare('SELECT * FROM mail_outbox ORDER BY created_at, rowid').all<OutboxMail>();
  return rows.results;
}

/** The secret of the last link to `path` mailed to `to`. */
export async function mailedToken(to: string, path: string): Promise<string> {
  const mails = await outbox(to);
  for (const mail of mails.reverse()) {
    const match = new RegExp(`${path.replace(/\//g, '\\/')}\\?token=([a-z2-7]+)`).exec(mail.body_text);
    if (match) return match[1]!;
  }
  throw new Error(`no ${path} link mailed to ${to}`);
}

export function getPage(path: string, cookie = ''): Promise<Response> {
  return SELF.fetch(`${ORIGIN}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
}

export async function count(sql: string, ...params: unknown[]): Promise<number> {
  return (await env.DB.prepare(`SELECT COUNT(*) AS n FROM (${sql})`).bind(...params).first<{ n: number }>())!.n;
}

export async function insertOrganization(options: { id?: string; legalName: string; orgType?: string; domains?: string[]; active?: boolean }): Promise<string> {
  const id = options.id ?? crypto.randomUUID();
  const now = new Date().toISOString();
  await env.DB.prepare(
    `INSERT INTO organizations (id, slug, legal_name, org_type, email_domains, is_active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).bind(id, options.legalName.toLowerCase().replace(/[^a-z0-9]+/g, '-'), options.legalName, options.orgType ?? 'commune',
    JSON.stringify(options.domains ?? []), options.active === false ? 0 : 1, now, now).run();
  return id;
}

/** The form a person fills in to sign up, with what they may change. */
export function signUpFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    username: 'alix-martin',
    first_name: 'Alix',
    last_name: 'Martin',
    email: 'alix.martin@ville-test.fr',
    password: 'sept chevaux blancs au galop',
    phone: '',
    organization: 'none',
    terms: 'on',
    terms_version: '2026-01',
    ...overrides,
  };
}

/** Decodes the HTML escapes the pages use, to compare with plain French text. */
export async function pageText(response: Response): Promise<string> {
  return (await response.text()).replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}
