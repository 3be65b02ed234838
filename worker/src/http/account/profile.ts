// Profile edit: first and last name, phone. The username is permanent (CKAN identifies users by it) and the
// e-mail has its own page because a new address must be confirmed.
import type { IRequest } from 'itty-router';
import { profileInput } from '../../domain/account-forms';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { csrfField, textField, type FieldErrors } from '../../render/forms';
import { html } from '../../render/html';
import { updateProfileStatement } from '../../store/accounts';
import { auditStatement } from '../../store/audit';
import { findUserById } from '../../store/users';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse, redirect, requireUser } from '../pages';
import { formErrors, notice, settingsNav, summary } from './common';

interface ProfileState {
  username: string;
  values: Record<string, string>;
  errors?: FieldErrors;
  general?: string;
  notice?: string;
  status?: number;
}

async function profilePage(request: Request, env: Env, state: ProfileState): Promise<Response> {
  const token = await csrfToken(request, env);
  const field = (name: string, label: string, extra: Partial<Parameters<typeof textField>[0]> = {}) =>
    textField({ lang: LANG, name, label, value: state.values[name], error: state.errors?.[name], ...extra });
  const body = html`<div class="form">
<h1>${t(LANG, 'profile.title')}</h1>
${settingsNav('/user/profile')}
${notice(state.notice)}
${summary(state.errors ?? {}, state.general)}
<p>${t(LANG, 'profile.username', { username: state.username })}</p>
<form method="post" action="/user/profile" novalidate>
  ${csrfField(token)}
  ${field('first_name', t(LANG, 'profile.firstName'), { required: true, autocomplete: 'given-name' })}
  ${field('last_name', t(LANG, 'profile.lastName'), { required: true, autocomplete: 'family-name' })}
  ${field('phone', t(LANG, 'profile.phone'), { type: 'tel', autocomplete: 'tel' })}
  <div class="form-actions"><button type="submit" class="button">${t(LANG, 'form.save')}</button></div>
</form>
</div>`;
  return pageResponse(request, env, { title: t(LANG, 'profile.title'), body, status: state.status });
}

export async function profileFormHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const user = (await findUserById(env.DB, actor.id))!;
  return profilePage(request, env, {
    username: user.username,
    values: { first_name: user.first_name, last_name: user.last_name, phone: user.phone ?? '' },
    notice: request.query.saved !== undefined ? t(LANG, 'profile.saved') : undefined,
  });
}

export async function profileHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  const values = formValues(form);
  const username = actor.username ?? '';
  if (!csrfValid(request, form)) return profilePage(request, env, { username, values, general: t(LANG, 'auth.csrf'), status: 403 });
  const { input, problems } = profileInput(values);
  if (Object.keys(problems).length > 0) return profilePage(request, env, { username, values, errors: formErrors(problems), status: 400 });
  await env.DB.batch([
    updateProfileStatement(env.DB, actor.id, input),
    auditStatement(env.DB, actor, 'account.profile_updated', { type: 'user', id: actor.id }),
  ]);
  return redirect(request, env, '/user/profile?saved');
}
