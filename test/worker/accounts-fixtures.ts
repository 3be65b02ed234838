// Accounts for Worker tests: users inserted directly (password hashed once per file, scrypt is slow on purpose),
// sessions opened without going through the sign-in form, and browser-like form posts (Origin + CSRF cookie).
import { env, SELF } from 'cloudflare:test';
import { hashPassword, scryptParams } from '../../worker/src/domain/password-hash';
import type { Role } from '../../worker/src/domain/permissions';
import { createSession } from '../../worker/src/store/sessions';

export const ORIGIN = 'https://portal.test';
export const PASSWORD = 'une phrase de passe assez longue';
const CSRF = 'abcdefghijklmnopqrstuvwxyz234567';

let passwordHash: Promise<string> | null = null;

export interface TestUser {
  id: string;
  username: string;
  email: string;
}

export async function createUser(options: {
  username: string;
  email?: string;
  confirmed?: boolean;
  isAdmin?: boolean;
  memberships?: Array<{ organizationId: string; role: Role }>;
}): Promise<TestUser> {
  const id = crypto.randomUUID();
  const email = options.email ?? `${options.username}@example.org`;
  const now = new Date().toISOString();
  await env.DB.prepare(
    `INSERT INTO users (id, username, email, first_name, last_name, password_hash, email_confirmed_at, is_admin, terms_version, terms_accepted_at, created_at, updated_at)
     VALUES (?, ?, ?, 'Prénom', 'Nom', ?, ?, ?, '2026-01', ?, ?, ?)`,
  ).bind(id, options.username, email, await (passwordHash ??= hashPassword(PASSWORD, scryptParams(env.PASSWORD_SCRYPT))), options.confirmed === false ? null : now,
    options.isAdmin ? 1 : 0, now, now, now).run();
  for (const m of options.memberships ?? []) {
    await env.DB.prepare('INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES (?, ?, ?, ?)')
      .bind(id, m.organizationId, m.role, now).run();
  }
  return { id, username: options.username, email };
}

/** Cookie header of a fresh session for the user, plus the CSRF cookie forms need. */
export async function signedInCookie(userId: string): Promise<string> {
  const { token } = await createSession(env.DB, userId);
  return `__Host-session=${token}; __Host-csrf=${CSRF}`;
}

export const anonymousCookie = `__Host-csrf=${CSRF}`;

/** A form POST as a browser on the portal's own pages sends it. */
export function postForm(path: string, fields: Record<string, string>, cookie = anonymousCookie, extraHeaders: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${ORIGIN}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: ORIGIN, cookie, 'content-type': 'application/x-www-form-urlencoded', ...extraHeaders },
    body: new URLSearchParams({ _csrf: CSRF, ...fields }),
  });
}

export function setCookies(response: Response): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const index = pair!.indexOf('=');
    cookies.set(pair!.slice(0, index), decodeURIComponent(pair!.slice(index + 1)));
  }
  return cookies;
}
