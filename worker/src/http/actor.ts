// Who is asking, resolved once per request: the portal's tooling (operator token), a user signed in with a
// session cookie or an API token (raw `Authorization` as CKAN sends it, `Bearer`, or `X-CKAN-API-Key`), or an
// anonymous visitor. Cookies to send back (refreshed session, CSRF token) are collected here too.
import { ANONYMOUS, type Actor } from '../domain/permissions';
import type { Env } from '../env';
import { rotateSession, SESSION_LIFETIME_MS, validateSessionToken, type Session } from '../store/sessions';
import { findApiTokenUser, findUserById, loadUserActor, touchApiTokenStatement } from '../store/users';
import { cookieName, readCookie, serializeCookie } from './cookies';
import { basicActor, isBasicAuthPath, readBasicCredentials } from './basic-auth';

export const SESSION_COOKIE = 'session';
/** Non-secret hint read by the static pages' header to show "Mon compte" without calling the Worker. */
export const USER_HINT_COOKIE = 'portail_user';

export interface RequestContext {
  actor: Actor;
  session: Session | null;
  /** A token was presented but is unknown, revoked or expired: the request must be refused, not downgraded. */
  invalidToken: boolean;
  setCookies: string[];
}

const contexts = new WeakMap<Request, Promise<RequestContext>>();

export function requestContext(request: Request, env: Env, ctx?: ExecutionContext): Promise<RequestContext> {
  let context = contexts.get(request);
  if (!context) contexts.set(request, (context = resolve(request, env, ctx)));
  return context;
}

export async function resolveActor(request: Request, env: Env): Promise<Actor> {
  return (await requestContext(request, env)).actor;
}

/** Cookies a handler or the context asked to set on this request's response. */
export async function pendingCookies(request: Request): Promise<string[]> {
  const context = contexts.get(request);
  return context ? (await context).setCookies : [];
}

export function presentedToken(request: Request): string | null {
  const ckanKey = request.headers.get('x-ckan-api-key')?.trim();
  if (ckanKey) return ckanKey;
  const header = request.headers.get('authorization')?.trim();
  if (!header) return null;
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1]!;
  return /^\S+$/.test(header) ? header : null;
}

function sameSecret(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  if (a.byteLength !== b.byteLength) return false;
  return crypto.subtle.timingSafeEqual(a, b);
}

async function resolve(request: Request, env: Env, ctx?: ExecutionContext): Promise<RequestContext> {
  const context: RequestContext = { actor: ANONYMOUS, session: null, invalidToken: false, setCookies: [] };
  // OGC clients (QGIS, GDAL) log in with HTTP Basic: portal login and password, or an API token as the password.
  const basic = isBasicAuthPath(request) ? readBasicCredentials(request) : null;
  if (basic) {
    const actor = await basicActor(request, env, basic);
    if (actor) context.actor = actor;
    else context.invalidToken = true;
    return context;
  }
  const token = presentedToken(request);
  if (token) {
    if (env.OPERATOR_TOKEN && sameSecret(token, env.OPERATOR_TOKEN)) {
      context.actor = { kind: 'operator' };
      return context;
    }
    const found = await findApiTokenUser(env.DB, token);
    if (!found) {
      context.invalidToken = true;
      return context;
    }
    context.actor = await loadUserActor(env.DB, found.user, found.scope === 'read');
    const touch = touchApiTokenStatement(env.DB, found.tokenId).run();
    if (ctx) ctx.waitUntil(touch);
    else await touch;
    return context;
  }
  const cookie = readCookie(request, cookieName(request, SESSION_COOKIE));
  if (!cookie) return context;
  const validated = await validateSessionToken(env.DB, cookie);
  const user = validated && (await findUserById(env.DB, validated.session.userId));
  if (!validated || !user) {
    context.setCookies.push(...clearSessionCookies(request));
    return context;
  }
  context.actor = await loadUserActor(env.DB, user);
  if (user.roles_changed_at && new Date(user.roles_changed_at) >= validated.session.createdAt) {
    const rotated = await rotateSession(env.DB, validated.session);
    context.session = rotated.session;
    context.setCookies.push(...sessionCookies(request, rotated.token, user.username));
    return context;
  }
  context.session = validated.session;
  if (validated.refreshed) context.setCookies.push(...sessionCookies(request, cookie, user.username));
  return context;
}

export function sessionCookies(request: Request, token: string, username: string): string[] {
  const maxAge = SESSION_LIFETIME_MS / 1000;
  return [
    serializeCookie(request, SESSION_COOKIE, token, { maxAge }),
    serializeCookie(request, USER_HINT_COOKIE, username, { maxAge, script: true }),
  ];
}

export function clearSessionCookies(request: Request): string[] {
  return [
    serializeCookie(request, SESSION_COOKIE, '', { maxAge: 0 }),
    serializeCookie(request, USER_HINT_COOKIE, '', { maxAge: 0, script: true }),
  ];
}
