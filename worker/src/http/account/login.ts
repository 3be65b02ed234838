// Sign-in and sign-out. Sign-in rotates the session (a session fixed before sign-in is dropped) and answers the
// same way for an unknown account and a wrong password; attempts are limited per account and per IP.
import type { IRequest } from 'itty-router';
import { hashPassword, needsRehash, scryptParams, verifyPassword } from '../../domain/password-hash';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { html } from '../../render/html';
import { csrfField, errorSummary, textField } from '../../render/forms';
import { hitRateLimits } from '../../store/rate-limit';
import { createSession, invalidateSession } from '../../store/sessions';
import { findUserByLogin } from '../../store/users';
import { clearSessionCookies, requestContext, sessionCookies } from '../actor';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse, redirect, safeNextPath } from '../pages';
import { clientIp, LOGIN_LIMITS } from './limits';

interface LoginFormState {
  identifier?: string;
  next?: string;
  error?: string;
  notice?: string;
  status?: number;
}

async function loginPage(request: Request, env: Env, state: LoginFormState): Promise<Response> {
  const token = await csrfToken(request, env);
  const body = html`<div class="form">
<h1>${t(LANG, 'auth.login.title')}</h1>
${state.notice ? html`<p class="success" role="status">${state.notice}</p>` : ''}
${errorSummary(LANG, {}, state.error)}
<form method="post" action="/user/login" novalidate>
  ${csrfField(token)}
  <input type="hidden" name="next" value="${safeNextPath(state.next)}">
  ${textField({ lang: LANG, name: 'identifier', label: t(LANG, 'auth.login.identifier'), value: state.identifier, required: true, autocomplete: 'username' })}
  ${textField({ lang: LANG, name: 'password', label: t(LANG, 'account.password.label'), type: 'password', required: true, autocomplete: 'current-password' })}
  <div class="form-actions">
    <button type="submit" class="button">${t(LANG, 'auth.login.submit')}</button>
    <a href="/user/reset">${t(LANG, 'auth.login.forgot')}</a>
  </div>
</form>
<p>${t(LANG, 'auth.login.noAccount')} <a href="/user/register">${t(LANG, 'auth.login.register')}</a></p>
</div>`;
  return pageResponse(request, env, { title: t(LANG, 'auth.login.title'), body, status: state.status });
}

export async function loginFormHandler(request: IRequest, env: Env): Promise<Response> {
  const { actor } = await requestContext(request, env);
  const next = request.query.next;
  if (actor.kind === 'user') return redirect(request, env, safeNextPath(next));
  const notice = request.query.signed_out !== undefined ? t(LANG, 'auth.logout.done') : undefined;
  return loginPage(request, env, { next: typeof next === 'string' ? next : undefined, notice });
}

// Verifying against a real hash when the account does not exist keeps both answers equally slow.
let decoyHash: Promise<string> | null = null;

export async function loginHandler(request: IRequest, env: Env): Promise<Response> {
  const form = await request.formData();
  const values = formValues(form);
  const identifier = (values.identifier ?? '').trim();
  const state: LoginFormState = { identifier, next: values.next };
  if (!csrfValid(request, form)) return loginPage(request, env, { ...state, error: t(LANG, 'auth.csrf'), status: 403 });

  const limit = await hitRateLimits(env.DB, [
    { key: `login:ip:${clientIp(request)}`, limit: LOGIN_LIMITS.perIp },
    { key: `login:account:${identifier.toLowerCase()}`, limit: LOGIN_LIMITS.perAccount },
  ]);
  if (!limit.allowed) {
    const minutes = Math.max(1, Math.ceil(limit.retryAfterSeconds / 60));
    return loginPage(request, env, { ...state, error: t(LANG, 'auth.rateLimited', { minutes }), status: 429 });
  }

  const user = identifier ? await findUserByLogin(env.DB, identifier) : null;
  const password = values.password ?? '';
  const params = scryptParams(env.PASSWORD_SCRYPT);
  const hash = user?.password_hash ?? (await (decoyHash ??= hashPassword('decoy password', params)));
  const valid = (await verifyPassword(password, hash)) && user !== null && user.password_hash !== null;
  if (!valid || !user) return loginPage(request, env, { ...state, error: t(LANG, 'auth.login.failed'), status: 400 });
  if (!user.email_confirmed_at) return loginPage(request, env, { ...state, error: t(LANG, 'auth.login.unconfirmed'), status: 400 });

  const context = await requestContext(request, env);
  if (context.session) await invalidateSession(env.DB, context.session.id);
  const { token } = await createSession(env.DB, user.id);
  if (needsRehash(user.password_hash!, params)) {
    await env.DB.prepare('UPDATE users SET password_hash = ? WHERE id = ?').bind(await hashPassword(password, params), user.id).run();
  }
  return redirect(request, env, safeNextPath(values.next), sessionCookies(request, token, user.username));
}

export async function logoutHandler(request: IRequest, env: Env): Promise<Response> {
  const form = await request.formData();
  if (!csrfValid(request, form)) return loginPage(request, env, { error: t(LANG, 'auth.csrf'), status: 403 });
  const context = await requestContext(request, env);
  if (context.session) await invalidateSession(env.DB, context.session.id);
  return redirect(request, env, '/user/login?signed_out', clearSessionCookies(request));
}
