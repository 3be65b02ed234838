// Change of password: the current one is asked again (a session left open is not enough), every other device is
// signed out and this one gets a new session, and the user is told by mail.
import type { IRequest } from 'itty-router';
import { passwordFieldProblem } from '../../domain/account-forms';
import { PASSWORD_MIN_LENGTH } from '../../domain/accounts';
import { hashPassword, scryptParams, verifyPassword } from '../../domain/password-hash';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { sendMails } from '../../mail/mailer';
import { passwordChangedMail } from '../../mail/templates/account';
import { csrfField, textField, type FieldErrors } from '../../render/forms';
import { html } from '../../render/html';
import { setPasswordStatement } from '../../store/accounts';
import { auditStatement } from '../../store/audit';
import { hitRateLimits } from '../../store/rate-limit';
import { createSession, invalidateUserSessionsStatement } from '../../store/sessions';
import { findUserById, type UserRow } from '../../store/users';
import { sessionCookies } from '../actor';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse, redirect, requireUser, type SignedIn } from '../pages';
import { formErrors, notice, settingsNav, summary } from './common';
import { clientIp, LOGIN_LIMITS } from './limits';

async function passwordPage(request: Request, env: Env, state: { errors?: FieldErrors; general?: string; notice?: string; status?: number }): Promise<Response> {
  const token = await csrfToken(request, env);
  const errors = state.errors ?? {};
  const body = html`<div class="form">
<h1>${t(LANG, 'password.title')}</h1>
${settingsNav('/user/password')}
${notice(state.notice)}
${summary(errors, state.general)}
<form method="post" action="/user/password" novalidate>
  ${csrfField(token)}
  ${textField({ lang: LANG, name: 'current_password', label: t(LANG, 'password.current'), type: 'password', required: true, autocomplete: 'current-password', error: errors.current_password })}
  ${textField({ lang: LANG, name: 'password', label: t(LANG, 'password.new'), type: 'password', required: true, autocomplete: 'new-password',
    hint: t(LANG, 'account.password.hint', { min: PASSWORD_MIN_LENGTH }), error: errors.password })}
  <p class="field-hint">${t(LANG, 'password.othersSignedOut')}</p>
  <div class="form-actions"><button type="submit" class="button">${t(LANG, 'password.submit')}</button></div>
</form>
</div>`;
  return pageResponse(request, env, { title: t(LANG, 'password.title'), body, status: state.status });
}

/**
 * Checks the current password of a signed-in user, limited like sign-in (a stolen session must not become a
 * way to guess the password); answers the translated refusal, or null when it is right.
 */
export async function currentPasswordRefusal(request: Request, env: Env, actor: SignedIn, password: string): Promise<{ user: UserRow; refusal: string | null; status: number }> {
  const user = (await findUserById(env.DB, actor.id))!;
  const limit = await hitRateLimits(env.DB, [
    { key: `reauth:ip:${clientIp(request)}`, limit: LOGIN_LIMITS.perIp },
    { key: `reauth:account:${actor.id}`, limit: LOGIN_LIMITS.perAccount },
  ]);
  if (!limit.allowed) return { user, refusal: t(LANG, 'auth.rateLimited', { minutes: Math.max(1, Math.ceil(limit.retryAfterSeconds / 60)) }), status: 429 };
  const valid = user.password_hash !== null && (await verifyPassword(password, user.password_hash));
  return { user, refusal: valid ? null : t(LANG, 'password.currentWrong'), status: 400 };
}

export async function passwordFormHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  return passwordPage(request, env, { notice: request.query.changed !== undefined ? t(LANG, 'password.changed') : undefined });
}

export async function passwordHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  const values = formValues(form);
  if (!csrfValid(request, form)) return passwordPage(request, env, { general: t(LANG, 'auth.csrf'), status: 403 });
  const check = await currentPasswordRefusal(request, env, actor, values.current_password ?? '');
  if (check.refusal) return passwordPage(request, env, { errors: { current_password: check.refusal }, status: check.status });
  const user = check.user;
  const problem = passwordFieldProblem(values.password ?? '', [user.username, user.email.split('@')[0] ?? '']);
  if (problem) return passwordPage(request, env, { errors: formErrors({ password: problem }), status: 400 });
  const hash = await hashPassword(values.password!, scryptParams(env.PASSWORD_SCRYPT));
  await env.DB.batch([
    setPasswordStatement(env.DB, user.id, hash),
    invalidateUserSessionsStatement(env.DB, user.id),
    auditStatement(env.DB, actor, 'account.password_changed', { type: 'user', id: user.id }),
  ]);
  const { token } = await createSession(env.DB, user.id);
  await sendMails(env, [passwordChangedMail(env, user)]);
  return redirect(request, env, '/user/password?changed', sessionCookies(request, token, user.username));
}
