// Change of e-mail address: the new address must be confirmed through a link sent to it; until then the old
// one keeps working for sign-in and mail. The old address is told when the change is asked and when it is done.
import type { IRequest } from 'itty-router';
import { emailProblem, normalizeEmail } from '../../domain/accounts';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { sendMails } from '../../mail/mailer';
import { confirmEmailChangeMail, emailChangedMail, emailChangeRequestedMail } from '../../mail/templates/account';
import { csrfField, textField, type FieldErrors } from '../../render/forms';
import { html } from '../../render/html';
import { claimAccountToken, findAccountToken, newAccountToken, retireAccountTokensStatement } from '../../store/account-tokens';
import { changeEmailStatement, emailTaken } from '../../store/accounts';
import { auditStatement } from '../../store/audit';
import { findUserById } from '../../store/users';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse, requireUser } from '../pages';
import { linkRefusal, messagePage, settingsNav, summary } from './common';
import { currentPasswordRefusal } from './password';

async function emailPage(request: Request, env: Env, state: { current: string; email?: string; errors?: FieldErrors; general?: string; status?: number }):
  Promise<Response> {
  const token = await csrfToken(request, env);
  const errors = state.errors ?? {};
  const body = html`<div class="form">
<h1>${t(LANG, 'email.title')}</h1>
${settingsNav('/user/email')}
${summary(errors, state.general)}
<p>${t(LANG, 'email.current', { email: state.current })}</p>
<form method="post" action="/user/email" novalidate>
  ${csrfField(token)}
  ${textField({ lang: LANG, name: 'email', label: t(LANG, 'email.new'), type: 'email', value: state.email, required: true, autocomplete: 'email',
    hint: t(LANG, 'email.hint'), error: errors.email })}
  ${textField({ lang: LANG, name: 'current_password', label: t(LANG, 'password.current'), type: 'password', required: true, autocomplete: 'current-password', error: errors.current_password })}
  <div class="form-actions"><button type="submit" class="button">${t(LANG, 'email.submit')}</button></div>
</form>
</div>`;
  return pageResponse(request, env, { title: t(LANG, 'email.title'), body, status: state.status });
}

export async function emailFormHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const user = (await findUserById(env.DB, actor.id))!;
  return emailPage(request, env, { current: user.email });
}

export async function emailHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  const values = formValues(form);
  const email = normalizeEmail(values.email ?? '');
  const current = (await findUserById(env.DB, actor.id))!;
  if (!csrfValid(request, form)) return emailPage(request, env, { current: current.email, email, general: t(LANG, 'auth.csrf'), status: 403 });
  const problem = emailProblem(email);
  let emailError = problem ? t(LANG, problem) : undefined;
  if (!emailError && email === normalizeEmail(current.email)) emailError = t(LANG, 'email.same');
  if (!emailError && (await emailTaken(env.DB, email, actor.id))) emailError = t(LANG, 'signup.email.taken');
  if (emailError) return emailPage(request, env, { current: current.email, email, errors: { email: emailError }, status: 400 });
  const check = await currentPasswordRefusal(request, env, actor, values.current_password ?? '');
  if (check.refusal) return emailPage(request, env, { current: current.email, email, errors: { current_password: check.refusal }, status: check.status });

  const link = newAccountToken(env.DB, actor.id, 'change_email', email);
  await env.DB.batch([
    retireAccountTokensStatement(env.DB, actor.id, 'change_email'),
    link.statement,
    auditStatement(env.DB, actor, 'account.email_change_requested', { type: 'user', id: actor.id }, { to: email }),
  ]);
  await sendMails(env, [confirmEmailChangeMail(env, current, email, link.secret), emailChangeRequestedMail(env, current, email)]);
  return messagePage(request, env, {
    title: t(LANG, 'email.sent.title'),
    body: html`<p class="success" role="status">${t(LANG, 'email.sent.body', { email, current: current.email })}</p>
<p><a href="/user/profile">${t(LANG, 'settings.nav.profile')}</a></p>`,
  });
}

const askAgain = () => ({ href: '/user/email', label: t(LANG, 'email.askAgain') });

async function confirmChangePage(request: Request, env: Env, secret: string, email: string, error?: string, status?: number): Promise<Response> {
  const token = await csrfToken(request, env);
  return messagePage(request, env, {
    title: t(LANG, 'email.confirm.title'),
    status,
    body: html`${summary({}, error)}<p>${t(LANG, 'email.confirm.intro', { email })}</p>
<form method="post" action="/user/email/confirm">
  ${csrfField(token)}
  <input type="hidden" name="token" value="${secret}">
  <button type="submit" class="button">${t(LANG, 'email.confirm.submit')}</button>
</form>`,
  });
}

export async function emailConfirmFormHandler(request: IRequest, env: Env): Promise<Response> {
  const secret = typeof request.query.token === 'string' ? request.query.token : '';
  const lookup = await findAccountToken(env.DB, secret, 'change_email');
  if (lookup.status !== 'valid') return linkRefusal(request, env, lookup.status, askAgain());
  return confirmChangePage(request, env, secret, lookup.token.new_email ?? '');
}

export async function emailConfirmHandler(request: IRequest, env: Env): Promise<Response> {
  const form = await request.formData();
  const secret = formValues(form).token ?? '';
  const lookup = await findAccountToken(env.DB, secret, 'change_email');
  if (!csrfValid(request, form)) {
    return confirmChangePage(request, env, secret, lookup.status === 'valid' ? lookup.token.new_email ?? '' : '', t(LANG, 'auth.csrf'), 403);
  }
  if (lookup.status !== 'valid') return linkRefusal(request, env, lookup.status, askAgain());
  const newEmail = lookup.token.new_email!;
  const user = (await findUserById(env.DB, lookup.token.user_id))!;
  // Someone may have signed up with that address since the link was sent.
  if (await emailTaken(env.DB, newEmail, user.id)) {
    return messagePage(request, env, { title: t(LANG, 'email.confirm.title'), status: 409, body: html`<p role="alert">${t(LANG, 'signup.email.taken')}</p>` });
  }
  if (!(await claimAccountToken(env.DB, lookup.token.token_hash))) return linkRefusal(request, env, 'used', askAgain());
  await env.DB.batch([
    changeEmailStatement(env.DB, user.id, newEmail),
    retireAccountTokensStatement(env.DB, user.id, 'change_email'),
    auditStatement(env.DB, { kind: 'user', id: user.id, isAdmin: user.is_admin === 1, memberships: [] }, 'account.email_changed', { type: 'user', id: user.id },
      { from: user.email, to: newEmail }),
  ]);
  await sendMails(env, [emailChangedMail(env, user, user.email, newEmail)]);
  return messagePage(request, env, {
    title: t(LANG, 'email.done.title'),
    body: html`<p class="success" role="status">${t(LANG, 'email.done.body', { email: newEmail })}</p>`,
  });
}
