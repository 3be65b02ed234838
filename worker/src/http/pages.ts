// Responses of the pages the Worker renders (account, contributor, administration): the shared frame with the
// signed-in account in the header, cookies collected during the request, and no caching of personal pages.
import type { Actor } from '../domain/permissions';
import type { Env } from '../env';
import { t, type Lang } from '../i18n';
import { html, type Html } from '../render/html';
import { renderPage, type Section } from '../render/layout';
import { termsOutdated } from '../store/accounts';
import { requestContext } from './actor';
import { csrfToken } from './csrf';

export const LANG: Lang = 'fr';

export const portalName = (env: Env): string => env.PORTAL_NAME?.trim() || t(LANG, 'site.name');

export interface PageContent {
  title: string;
  body: Html;
  status?: number;
  section?: Section;
  head?: Html;
}

export async function pageResponse(request: Request, env: Env, content: PageContent): Promise<Response> {
  const context = await requestContext(request, env);
  const actor = context.actor;
  const account = actor.kind === 'user'
    ? { username: actor.username ?? '', isAdmin: actor.isAdmin, csrfToken: await csrfToken(request, env) }
    : null;
  const page = renderPage({
    lang: LANG,
    portalName: portalName(env),
    path: new URL(request.url).pathname,
    section: content.section ?? 'account',
    account,
    title: content.title,
    head: content.head,
    body: content.body,
  });
  const headers = new Headers({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
  });
  for (const cookie of context.setCookies) headers.append('set-cookie', cookie);
  context.setCookies.length = 0;
  return new Response(page.value, { status: content.status ?? 200, headers });
}

/** 303 after a POST, so reloading the next page does not resubmit the form. */
export async function redirect(request: Request, env: Env, location: string, cookies: readonly string[] = []): Promise<Response> {
  const context = await requestContext(request, env);
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  for (const cookie of [...context.setCookies, ...cookies]) headers.append('set-cookie', cookie);
  context.setCookies.length = 0;
  return new Response(null, { status: 303, headers });
}

/** Only same-site paths are followed after sign-in (no open redirect). */
export function safeNextPath(value: unknown, fallback = '/user'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  return value;
}

export type SignedIn = Extract<Actor, { kind: 'user' }>;

// Pages open to a user who has not accepted the newest conditions: the page to accept them, and the deletion of
// the account (refusing them is leaving).
const TERMS_EXEMPT = new Set(['/user/terms', '/user/delete']);

/**
 * The signed-in user, or a redirect: to the sign-in page, or to the conditions d'utilisation when a newer version
 * awaits acceptance; both come back here.
 */
export async function requireUser(request: Request, env: Env): Promise<SignedIn | Response> {
  const { actor } = await requestContext(request, env);
  const url = new URL(request.url);
  const here = encodeURIComponent(url.pathname + url.search);
  if (actor.kind !== 'user') return redirect(request, env, `/user/login?next=${here}`);
  if (!TERMS_EXEMPT.has(url.pathname) && (await termsOutdated(env.DB, actor.id))) {
    return redirect(request, env, request.method === 'GET' ? `/user/terms?next=${here}` : '/user/terms');
  }
  return actor;
}

export async function forbiddenPage(request: Request, env: Env, message = t(LANG, 'auth.forbidden')): Promise<Response> {
  return pageResponse(request, env, {
    title: t(LANG, 'auth.forbidden'),
    status: 403,
    body: html`<h1>${t(LANG, 'auth.forbidden')}</h1><p>${message}</p>`,
  });
}

/** Form fields as strings (files and repeated keys are read by the handlers that expect them). */
export function formValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form) if (typeof value === 'string' && !(key in values)) values[key] = value;
  return values;
}
