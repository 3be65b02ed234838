// CSRF protection for every state-changing form: the request must come from this origin (Origin, or Referer
// when a browser omits Origin) and carry the token of the visitor's CSRF cookie (double submit). Requests
// authenticated by an API token carry no cookie and are not concerned.
import type { Env } from '../env';
import { requestContext } from './actor';
import { cookieName, readCookie, serializeCookie } from './cookies';
import { generateSecret } from '../store/sessions';

const CSRF_COOKIE = 'csrf';
export const CSRF_FIELD = '_csrf';

/** The token to embed in forms; creates the cookie on first use. */
export async function csrfToken(request: Request, env: Env): Promise<string> {
  const existing = readCookie(request, cookieName(request, CSRF_COOKIE));
  if (existing && /^[a-z2-7]{32}$/.test(existing)) return existing;
  const context = await requestContext(request, env);
  const pending = context.setCookies.find((c) => c.startsWith(`${cookieName(request, CSRF_COOKIE)}=`));
  if (pending) return decodeURIComponent(pending.split(';')[0]!.split('=')[1]!);
  const token = generateSecret();
  context.setCookies.push(serializeCookie(request, CSRF_COOKIE, token, { sameSite: 'Strict' }));
  return token;
}

export function sameOrigin(request: Request): boolean {
  const expected = new URL(request.url).origin;
  const origin = request.headers.get('origin');
  if (origin) return origin === expected;
  const referer = request.headers.get('referer');
  if (!referer) return false;
  try {
    return new URL(referer).origin === expected;
  } catch {
    return false;
  }
}

export function csrfValid(request: Request, form: FormData): boolean {
  if (!sameOrigin(request)) return false;
  const cookie = readCookie(request, cookieName(request, CSRF_COOKIE));
  const field = form.get(CSRF_FIELD);
  if (!cookie || typeof field !== 'string' || field.length !== cookie.length) return false;
  return crypto.subtle.timingSafeEqual(new TextEncoder().encode(cookie), new TextEncoder().encode(field));
}
