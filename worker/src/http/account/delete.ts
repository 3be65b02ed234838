// Account deletion, confirmed with the password. What the user published stays with its organisation (the
// datasets lose their creator, not their owner); sessions, tokens, roles and requests go with the account.
import type { IRequest } from 'itty-router';
import { ANONYMOUS } from '../../domain/permissions';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { sendMails } from '../../mail/mailer';
import { accountDeletedMail } from '../../mail/templates/account';
import { csrfField, textField, type FieldErrors } from '../../render/forms';
import { html } from '../../render/html';
import { deleteAccountStatements } from '../../store/accounts';
import { auditStatement } from '../../store/audit';
import { clearSessionCookies, requestContext } from '../actor';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse, requireUser } from '../pages';
import { messagePage, settingsNav, summary } from './common';
import { currentPasswordRefusal } from './password';

async function deletePage(request: Request, env: Env, state: { errors?: FieldErrors; general?: string; status?: number }): Promise<Response> {
  const token = await csrfToken(request, env);
  const errors = state.errors ?? {};
  const body = html`<div class="form">
<h1>${t(LANG, 'delete.title')}</h1>
${settingsNav('/user/delete')}
${summary(errors, state.general)}
<p>${t(LANG, 'delete.intro')}</p>
<ul>
  <li>${t(LANG, 'delete.consequence.datasets')}</li>
  <li>${t(LANG, 'delete.consequence.roles')}</li>
  <li>${t(LANG, 'delete.consequence.tokens')}</li>
</ul>
<form method="post" action="/user/delete" novalidate>
  ${csrfField(token)}
  ${textField({ lang: LANG, name: 'current_password', label: t(LANG, 'password.current'), type: 'password', required: true, autocomplete: 'current-password', error: errors.current_password })}
  <div class="form-actions"><button type="submit" class="button">${t(LANG, 'delete.submit')}</button></div>
</form>
</div>`;
  return pageResponse(request, env, { title: t(LANG, 'delete.title'), body, status: state.status });
}

export async function deleteFormHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  return deletePage(request, env, {});
}

export async function deleteHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  if (!csrfValid(request, form)) return deletePage(request, env, { general: t(LANG, 'auth.csrf'), status: 403 });
  const check = await currentPasswordRefusal(request, env, actor, formValues(form).current_password ?? '');
  if (check.refusal) return deletePage(request, env, { errors: { current_password: check.refusal }, status: check.status });
  const user = check.user;
  await env.DB.batch([
    auditStatement(env.DB, actor, 'account.deleted', { type: 'user', id: user.id }, { username: user.username }),
    ...deleteAccountStatements(env.DB, user.id),
  ]);
  await sendMails(env, [accountDeletedMail(env, user)]);
  // The account no longer exists: the page that says so is rendered for an anonymous visitor.
  const context = await requestContext(request, env);
  context.actor = ANONYMOUS;
  context.session = null;
  const response = await messagePage(request, env, {
    title: t(LANG, 'delete.done.title'),
    body: html`<p class="success" role="status">${t(LANG, 'delete.done.body')}</p><p><a href="/">${t(LANG, 'delete.done.home')}</a></p>`,
  });
  for (const cookie of clearSessionCookies(request)) response.headers.append('set-cookie', cookie);
  return response;
}
