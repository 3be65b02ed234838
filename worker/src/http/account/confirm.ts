// E-mail confirmation. The mailed link opens a page whose button confirms (a POST): mail scanners that fetch
// links do not use up the single-use token. Once confirmed, the validators hear of the user's pending requests.
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { emailProblem, normalizeEmail } from '../../domain/accounts';
import { t } from '../../i18n';
import { sendMails } from '../../mail/mailer';
import { accountActivatedMail, confirmAccountCreationMail } from '../../mail/templates/account';
import { csrfField, textField } from '../../render/forms';
import { html } from '../../render/html';
import { claimAccountToken, findAccountToken, newAccountToken, retireAccountTokensStatement } from '../../store/account-tokens';
import { confirmEmailStatement, pendingRequestIds } from '../../store/accounts';
import { auditStatement } from '../../store/audit';
import { hitRateLimits } from '../../store/rate-limit';
import { notifyValidators } from '../../store/role-requests';
import { findUserById, type UserRow } from '../../store/users';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse } from '../pages';
import { linkRefusal, messagePage, notice, summary } from './common';
import { clientIp, RESET_LIMITS } from './limits';

const resendLink = () => ({ href: '/user/confirm/resend', label: t(LANG, 'confirm.resend.link') });

async function confirmPage(request: Request, env: Env, secret: string, error?: string, status?: number): Promise<Response> {
  const token = await csrfToken(request, env);
  return messagePage(request, env, {
    title: t(LANG, 'confirm.title'),
    status,
    body: html`${summary({}, error)}<p>${t(LANG, 'confirm.intro')}</p>
<form method="post" action="/user/confirm">
  ${csrfField(token)}
  <input type="hidden" name="token" value="${secret}">
  <button type="submit" class="button">${t(LANG, 'confirm.submit')}</button>
</form>`,
  });
}

export async function confirmFormHandler(request: IRequest, env: Env): Promise<Response> {
  const secret = typeof request.query.token === 'string' ? request.query.token : '';
  const lookup = await findAccountToken(env.DB, secret, 'confirm_email');
  if (lookup.status !== 'valid') return linkRefusal(request, env, lookup.status, resendLink());
  return confirmPage(request, env, secret);
}

export async function confirmHandler(request: IRequest, env: Env): Promise<Response> {
  const form = await request.formData();
  const secret = formValues(form).token ?? '';
  if (!csrfValid(request, form)) return confirmPage(request, env, secret, t(LANG, 'auth.csrf'), 403);
  const lookup = await findAccountToken(env.DB, secret, 'confirm_email');
  if (lookup.status !== 'valid' || !(await claimAccountToken(env.DB, lookup.token.token_hash))) {
    return linkRefusal(request, env, lookup.status === 'valid' ? 'used' : lookup.status, resendLink());
  }
  const user = (await findUserById(env.DB, lookup.token.user_id))!;
  await env.DB.batch([
    confirmEmailStatement(env.DB, user.id),
    retireAccountTokensStatement(env.DB, user.id, 'confirm_email'),
    auditStatement(env.DB, { kind: 'user', id: user.id, isAdmin: false, memberships: [] }, 'account.confirmed', { type: 'user', id: user.id }),
  ]);
  await sendMails(env, [accountActivatedMail(env, user)]);
  // Validators are only told about confirmed users: this is when the sign-up's requests reach them.
  await notifyValidators(env, await pendingRequestIds(env.DB, user.id));
  return messagePage(request, env, {
    title: t(LANG, 'confirm.done.title'),
    body: html`<p class="success" role="status">${t(LANG, 'confirm.done.body')}</p>
<p><a class="button" href="/user/login">${t(LANG, 'auth.login.submit')}</a></p>`,
  });
}

interface ResendState {
  email?: string;
  error?: string;
  fieldError?: string;
  notice?: string;
  status?: number;
}

async function resendPage(request: Request, env: Env, state: ResendState): Promise<Response> {
  const token = await csrfToken(request, env);
  const body = html`<div class="form">
<h1>${t(LANG, 'confirm.resend.title')}</h1>
${notice(state.notice)}
${summary(state.fieldError ? { email: state.fieldError } : {}, state.error)}
<p>${t(LANG, 'confirm.resend.intro')}</p>
<form method="post" action="/user/confirm/resend" novalidate>
  ${csrfField(token)}
  ${textField({ lang: LANG, name: 'email', label: t(LANG, 'account.email.label'), type: 'email', value: state.email, error: state.fieldError, required: true, autocomplete: 'email' })}
  <div class="form-actions"><button type="submit" class="button">${t(LANG, 'confirm.resend.submit')}</button></div>
</form>
</div>`;
  return pageResponse(request, env, { title: t(LANG, 'confirm.resend.title'), body, status: state.status });
}

export async function resendFormHandler(request: IRequest, env: Env): Promise<Response> {
  return resendPage(request, env, {});
}

/** Sends a fresh confirmation link (the older ones stop working). */
export async function sendConfirmationLink(env: Env, user: UserRow): Promise<void> {
  const link = newAccountToken(env.DB, user.id, 'confirm_email');
  await env.DB.batch([retireAccountTokensStatement(env.DB, user.id, 'confirm_email'), link.statement]);
  await sendMails(env, [confirmAccountCreationMail(env, user, link.secret)]);
}

/** Same answer whether the address is known, unknown or already confirmed: the page reveals no account. */
export async function resendHandler(request: IRequest, env: Env): Promise<Response> {
  const form = await request.formData();
  const email = normalizeEmail(formValues(form).email ?? '');
  if (!csrfValid(request, form)) return resendPage(request, env, { email, error: t(LANG, 'auth.csrf'), status: 403 });
  const problem = emailProblem(email);
  if (problem) return resendPage(request, env, { email, fieldError: t(LANG, problem), status: 400 });
  const limit = await hitRateLimits(env.DB, [
    { key: `confirm:ip:${clientIp(request)}`, limit: RESET_LIMITS.perIp },
    { key: `confirm:account:${email}`, limit: RESET_LIMITS.perAccount },
  ]);
  if (!limit.allowed) {
    return resendPage(request, env, { email, error: t(LANG, 'auth.rateLimited', { minutes: Math.max(1, Math.ceil(limit.retryAfterSeconds / 60)) }), status: 429 });
  }
  const user = await env.DB.prepare('SELECT * FROM users WHERE email = ?').bind(email).first<UserRow>();
  if (user && !user.email_confirmed_at) await sendConfirmationLink(env, user);
  return resendPage(request, env, { notice: t(LANG, 'confirm.resend.sent', { email }) });
}
