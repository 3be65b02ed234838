// Password reset: asking for a link answers the same way whether an account exists or not, is limited per
// account and per IP, and the link (single-use, one hour) sets a new password and signs every device out.
import type { IRequest } from 'itty-router';
import { passwordFieldProblem } from '../../domain/account-forms';
import { PASSWORD_MIN_LENGTH } from '../../domain/accounts';
import { hashPassword, scryptParams } from '../../domain/password-hash';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { sendMails } from '../../mail/mailer';
import { passwordChangedMail, resetPasswordMail } from '../../mail/templates/account';
import { csrfField, textField, translateErrors } from '../../render/forms';
import { html } from '../../render/html';
import { claimAccountToken, findAccountToken, newAccountToken, retireAccountTokensStatement } from '../../store/account-tokens';
import { setPasswordStatement } from '../../store/accounts';
import { auditStatement } from '../../store/audit';
import { hitRateLimits } from '../../store/rate-limit';
import { invalidateUserSessionsStatement } from '../../store/sessions';
import { findUserById, findUserByLogin } from '../../store/users';
import { clearSessionCookies } from '../actor';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse } from '../pages';
import { sendConfirmationLink } from './confirm';
import { linkRefusal, messagePage, notice, summary } from './common';
import { clientIp, RESET_LIMITS } from './limits';

const askAgain = () => ({ href: '/user/reset', label: t(LANG, 'reset.askAgain') });

interface RequestState {
  identifier?: string;
  error?: string;
  notice?: string;
  status?: number;
}

async function requestPage(request: Request, env: Env, state: RequestState): Promise<Response> {
  const token = await csrfToken(request, env);
  const body = html`<div class="form">
<h1>${t(LANG, 'reset.title')}</h1>
${notice(state.notice)}
${summary({}, state.error)}
<p>${t(LANG, 'reset.intro')}</p>
<form method="post" action="/user/reset" novalidate>
  ${csrfField(token)}
  ${textField({ lang: LANG, name: 'identifier', label: t(LANG, 'auth.login.identifier'), value: state.identifier, required: true, autocomplete: 'username' })}
  <div class="form-actions">
    <button type="submit" class="button">${t(LANG, 'reset.submit')}</button>
    <a href="/user/login">${t(LANG, 'auth.login.submit')}</a>
  </div>
</form>
</div>`;
  return pageResponse(request, env, { title: t(LANG, 'reset.title'), body, status: state.status });
}

export async function resetFormHandler(request: IRequest, env: Env): Promise<Response> {
  return requestPage(request, env, {});
}

export async function resetHandler(request: IRequest, env: Env): Promise<Response> {
  const form = await request.formData();
  const identifier = (formValues(form).identifier ?? '').trim();
  if (!csrfValid(request, form)) return requestPage(request, env, { identifier, error: t(LANG, 'auth.csrf'), status: 403 });
  if (!identifier) return requestPage(request, env, { error: t(LANG, 'reset.identifierRequired'), status: 400 });
  const user = await findUserByLogin(env.DB, identifier);
  // Counted per account whichever identifier names it; an unknown one is counted the same way.
  const limit = await hitRateLimits(env.DB, [
    { key: `reset:ip:${clientIp(request)}`, limit: RESET_LIMITS.perIp },
    { key: `reset:account:${user?.id ?? identifier.toLowerCase()}`, limit: RESET_LIMITS.perAccount },
  ]);
  if (!limit.allowed) {
    return requestPage(request, env, { identifier, error: t(LANG, 'auth.rateLimited', { minutes: Math.max(1, Math.ceil(limit.retryAfterSeconds / 60)) }), status: 429 });
  }
  if (user?.email_confirmed_at) {
    const link = newAccountToken(env.DB, user.id, 'reset_password');
    await env.DB.batch([retireAccountTokensStatement(env.DB, user.id, 'reset_password'), link.statement]);
    await sendMails(env, [resetPasswordMail(env, user, link.secret)]);
  } else if (user) {
    // Not confirmed yet: the confirmation link is what this person is missing.
    await sendConfirmationLink(env, user);
  }
  return requestPage(request, env, { notice: t(LANG, 'reset.sent') });
}

async function newPasswordPage(request: Request, env: Env, secret: string, state: { error?: string; fieldError?: string; status?: number }): Promise<Response> {
  const token = await csrfToken(request, env);
  const errors: Record<string, string> = state.fieldError ? { password: state.fieldError } : {};
  const body = html`<div class="form">
<h1>${t(LANG, 'reset.new.title')}</h1>
${summary(errors, state.error)}
<form method="post" action="/user/reset/new" novalidate>
  ${csrfField(token)}
  <input type="hidden" name="token" value="${secret}">
  ${textField({ lang: LANG, name: 'password', label: t(LANG, 'password.new'), type: 'password', required: true, autocomplete: 'new-password',
    hint: t(LANG, 'account.password.hint', { min: PASSWORD_MIN_LENGTH }), error: state.fieldError })}
  <div class="form-actions"><button type="submit" class="button">${t(LANG, 'reset.new.submit')}</button></div>
</form>
</div>`;
  return pageResponse(request, env, { title: t(LANG, 'reset.new.title'), body, status: state.status });
}

export async function newPasswordFormHandler(request: IRequest, env: Env): Promise<Response> {
  const secret = typeof request.query.token === 'string' ? request.query.token : '';
  const lookup = await findAccountToken(env.DB, secret, 'reset_password');
  if (lookup.status !== 'valid') return linkRefusal(request, env, lookup.status, askAgain());
  return newPasswordPage(request, env, secret, {});
}

export async function newPasswordHandler(request: IRequest, env: Env): Promise<Response> {
  const form = await request.formData();
  const values = formValues(form);
  const secret = values.token ?? '';
  if (!csrfValid(request, form)) return newPasswordPage(request, env, secret, { error: t(LANG, 'auth.csrf'), status: 403 });
  const lookup = await findAccountToken(env.DB, secret, 'reset_password');
  if (lookup.status !== 'valid') return linkRefusal(request, env, lookup.status, askAgain());
  const user = (await findUserById(env.DB, lookup.token.user_id))!;
  const password = values.password ?? '';
  const problem = passwordFieldProblem(password, [user.username, user.email.split('@')[0] ?? '']);
  if (problem) return newPasswordPage(request, env, secret, { fieldError: translateErrors(LANG, { password: problem }).password, status: 400 });
  const hash = await hashPassword(password, scryptParams(env.PASSWORD_SCRYPT));
  if (!(await claimAccountToken(env.DB, lookup.token.token_hash))) return linkRefusal(request, env, 'used', askAgain());
  await env.DB.batch([
    setPasswordStatement(env.DB, user.id, hash),
    invalidateUserSessionsStatement(env.DB, user.id),
    retireAccountTokensStatement(env.DB, user.id, 'reset_password'),
    auditStatement(env.DB, { kind: 'user', id: user.id, isAdmin: user.is_admin === 1, memberships: [] }, 'account.password_reset', { type: 'user', id: user.id }),
  ]);
  await sendMails(env, [passwordChangedMail(env, user)]);
  const response = await messagePage(request, env, {
    title: t(LANG, 'reset.done.title'),
    body: html`<p class="success" role="status">${t(LANG, 'reset.done.body')}</p>
<p><a class="button" href="/user/login">${t(LANG, 'auth.login.submit')}</a></p>`,
  });
  for (const cookie of clearSessionCookies(request)) response.headers.append('set-cookie', cookie);
  return response;
}
