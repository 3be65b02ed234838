// Re-acceptance of the conditions d'utilisation: when a newer version is published, requireUser sends signed-in
// users here before any other account page, then back where they were going.
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { checkboxField, csrfField } from '../../render/forms';
import { html } from '../../render/html';
import { acceptTermsStatement, currentTerms } from '../../store/accounts';
import { auditStatement } from '../../store/audit';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse, redirect, requireUser, safeNextPath } from '../pages';
import { summary } from './common';

async function termsPage(request: Request, env: Env, next: string, state: { error?: string; general?: string; status?: number } = {}): Promise<Response> {
  const token = await csrfToken(request, env);
  const terms = (await currentTerms(env.DB))!;
  const body = html`<div class="form">
<h1>${t(LANG, 'terms.title')}</h1>
${summary(state.error ? { terms: state.error } : {}, state.general)}
<p>${t(LANG, 'terms.intro', { version: terms.version })}</p>
${terms.summary ? html`<p>${t(LANG, 'terms.summary')}</p><blockquote>${terms.summary}</blockquote>` : ''}
<p><a href="/page/conditions-utilisation">${t(LANG, 'terms.read')}</a></p>
<form method="post" action="/user/terms" novalidate>
  ${csrfField(token)}
  <input type="hidden" name="terms_version" value="${terms.version}">
  <input type="hidden" name="next" value="${next}">
  ${checkboxField({ name: 'terms', label: t(LANG, 'terms.accept', { version: terms.version }), error: state.error })}
  <div class="form-actions">
    <button type="submit" class="button">${t(LANG, 'terms.submit')}</button>
    <a href="/user/delete">${t(LANG, 'terms.refuse')}</a>
  </div>
</form>
</div>`;
  return pageResponse(request, env, { title: t(LANG, 'terms.title'), body, status: state.status });
}

export async function termsFormHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  return termsPage(request, env, safeNextPath(request.query.next));
}

export async function termsHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  const values = formValues(form);
  const next = safeNextPath(values.next);
  if (!csrfValid(request, form)) return termsPage(request, env, next, { general: t(LANG, 'auth.csrf'), status: 403 });
  const terms = (await currentTerms(env.DB))!;
  if (values.terms !== 'on') return termsPage(request, env, next, { error: t(LANG, 'signup.terms.required'), status: 400 });
  // A version published while the page was open must be read before it is accepted.
  if (values.terms_version !== terms.version) return termsPage(request, env, next, { error: t(LANG, 'signup.terms.changed'), status: 409 });
  await env.DB.batch([
    acceptTermsStatement(env.DB, actor.id, terms.version),
    auditStatement(env.DB, actor, 'account.terms_accepted', { type: 'user', id: actor.id }, { version: terms.version }),
  ]);
  return redirect(request, env, next);
}
