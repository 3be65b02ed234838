// "Mes organisations": the user's roles (and dropping them), their requests, and the forms to join an organisation,
// become contributeur or référent, or ask for a new organisation.
import type { IRequest } from 'itty-router';
import { organizationRequestInput } from '../../domain/organization-request';
import type { Role } from '../../domain/permissions';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { formatDateTime } from '../../render/dates';
import { checkboxField, csrfField, errorSummary, selectField, textField, translateErrors, type FieldErrors } from '../../render/forms';
import { html } from '../../render/html';
import { fileOrganizationRequest, fileRoleRequest, notifyValidators, requestsOfUser, revokeRole, type RoleKind } from '../../store/role-requests';
import { findUserById } from '../../store/users';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse, redirect, requireUser, type SignedIn } from '../pages';
import { organizationFields } from './organization-form';

const ROLES: readonly Role[] = ['member', 'contributor', 'referent'];

interface PageState {
  values?: Record<string, string>;
  joinErrors?: FieldErrors;
  createErrors?: FieldErrors;
  general?: string;
  status?: number;
}

async function myOrganizationsPage(request: Request, env: Env, actor: SignedIn, state: PageState = {}): Promise<Response> {
  const token = await csrfToken(request, env);
  const values = state.values ?? {};
  const held = await env.DB.prepare(
    `SELECT o.id, o.legal_name, o.slug, group_concat(m.role) AS roles
     FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = ? GROUP BY o.id ORDER BY o.legal_name`,
  ).bind(actor.id).all<{ id: string; legal_name: string; slug: string; roles: string }>();
  const requests = (await requestsOfUser(env.DB, actor.id)).results;
  const organizations = await env.DB.prepare('SELECT id, legal_name FROM organizations WHERE is_active = 1 ORDER BY legal_name')
    .all<{ id: string; legal_name: string }>();
  const notice = new URL(request.url).searchParams.get('done');

  const heldTable = held.results.length === 0
    ? html`<p>${t(LANG, 'roles.mine.none')}</p>`
    : html`<table class="data-table"><caption class="sr-only">${t(LANG, 'roles.mine.title')}</caption>
<thead><tr><th scope="col">${t(LANG, 'roles.mine.organization')}</th><th scope="col">${t(LANG, 'roles.mine.roles')}</th><th scope="col">${t(LANG, 'roles.mine.actions')}</th></tr></thead>
<tbody>${held.results.map((org) => {
      const roles = ROLES.filter((r) => org.roles.split(',').includes(r));
      return html`<tr><td><a href="/organization/${org.slug}">${org.legal_name}</a></td>
<td>${roles.map((r) => t(LANG, `roles.role.${r}`)).join(', ')}</td>
<td>${roles.includes('referent') ? html`<a href="/user/organizations/${org.id}/members">${t(LANG, 'roles.mine.members')}</a> ` : ''}
${[...roles].reverse().map((role) => html`<form method="post" action="/user/organizations/drop" class="inline-form">${csrfField(token)}
<input type="hidden" name="organization" value="${org.id}"><input type="hidden" name="role" value="${role}">
<button type="submit" class="link-button">${t(LANG, role === 'member' ? 'roles.mine.leave' : 'roles.mine.drop', { role: t(LANG, `roles.role.${role}`) })}</button></form>`)}</td></tr>`;
    })}</tbody></table>`;

  const requestList = requests.length === 0 ? '' : html`<h2>${t(LANG, 'roles.requests.title')}</h2>
<table class="data-table"><thead><tr><th scope="col">${t(LANG, 'roles.requests.what')}</th><th scope="col">${t(LANG, 'roles.mine.organization')}</th><th scope="col">${t(LANG, 'roles.requests.date')}</th><th scope="col">${t(LANG, 'roles.requests.status')}</th></tr></thead>
<tbody>${requests.map((r) => html`<tr><td>${t(LANG, `roles.kind.${r.kind}`)}</td><td>${r.legal_name}</td><td>${formatDateTime(LANG, r.created_at)}</td><td>${t(LANG, `roles.status.${r.status}`)}</td></tr>`)}</tbody></table>`;

  const roleBoxes = (idSuffix: string) => html`${checkboxField({ name: 'contributor', label: t(LANG, 'roles.ask.contributor'), hint: t(LANG, 'roles.ask.contributorHint'), checked: values.contributor === 'on', idSuffix })}
${checkboxField({ name: 'referent', label: t(LANG, 'roles.ask.referent'), hint: t(LANG, 'roles.ask.referentHint'), checked: values.referent === 'on', idSuffix })}`;

  const body = html`<h1>${t(LANG, 'roles.mine.title')}</h1>
${notice ? html`<p class="success" role="status">${t(LANG, 'roles.ask.sent')}</p>` : ''}
${errorSummary(LANG, { ...state.joinErrors, ...state.createErrors }, state.general)}
${heldTable}
${requestList}
<div class="columns">
<section class="form" aria-labelledby="join-title">
<h2 id="join-title">${t(LANG, 'roles.join.title')}</h2>
<p class="muted">${t(LANG, 'roles.join.help')}</p>
<form method="post" action="/user/organizations/join" novalidate>${csrfField(token)}
${selectField({ lang: LANG, name: 'organization', label: t(LANG, 'roles.join.organization'), value: values.organization, error: state.joinErrors?.organization, required: true,
    placeholder: t(LANG, 'roles.join.choose'), choices: organizations.results.map((o) => ({ value: o.id, label: o.legal_name })) })}
${roleBoxes('-join')}
${textField({ lang: LANG, name: 'message', label: t(LANG, 'roles.ask.message'), value: values.message, multiline: true })}
<button type="submit" class="button">${t(LANG, 'roles.join.submit')}</button>
</form>
</section>
<section class="form" aria-labelledby="create-title">
<h2 id="create-title">${t(LANG, 'roles.create.title')}</h2>
<p class="muted">${t(LANG, 'roles.create.help')}</p>
<form method="post" action="/user/organizations/create" novalidate>${csrfField(token)}
${organizationFields(LANG, values, state.createErrors ?? {})}
${roleBoxes('-create')}
<button type="submit" class="button">${t(LANG, 'roles.create.submit')}</button>
</form>
</section>
</div>`;
  return pageResponse(request, env, { title: t(LANG, 'roles.mine.title'), body, status: state.status });
}

function askedRoles(values: Record<string, string>): RoleKind[] {
  const asked: RoleKind[] = ['member'];
  if (values.contributor === 'on') asked.push('contributor');
  if (values.referent === 'on') asked.push('referent');
  return asked;
}

export async function myOrganizationsHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  return myOrganizationsPage(request, env, actor);
}

export async function joinOrganizationHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  const values = formValues(form);
  if (!csrfValid(request, form)) return myOrganizationsPage(request, env, actor, { values, general: t(LANG, 'auth.csrf'), status: 403 });
  const user = (await findUserById(env.DB, actor.id))!;
  if (!values.organization) {
    return myOrganizationsPage(request, env, actor, { values, joinErrors: { organization: t(LANG, 'form.required') }, status: 400 });
  }
  const result = await fileRoleRequest(env, user, values.organization, askedRoles(values), values.message ?? '');
  if (!result.ok) return myOrganizationsPage(request, env, actor, { values, joinErrors: { organization: t(LANG, result.problem) }, status: 400 });
  await notifyValidators(env, result.requestIds);
  return redirect(request, env, '/user/organizations?done');
}

export async function createOrganizationHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  const values = formValues(form);
  if (!csrfValid(request, form)) return myOrganizationsPage(request, env, actor, { values, general: t(LANG, 'auth.csrf'), status: 403 });
  const { organization, problems } = organizationRequestInput(values);
  if (Object.keys(problems).length > 0) {
    return myOrganizationsPage(request, env, actor, { values, createErrors: translateErrors(LANG, problems), status: 400 });
  }
  const filed = await fileOrganizationRequest(env, actor, organization, values.message ?? '');
  if (!filed.ok) return myOrganizationsPage(request, env, actor, { values, createErrors: { org_legal_name: t(LANG, filed.problem) }, status: 400 });
  const user = (await findUserById(env.DB, actor.id))!;
  const roles = await fileRoleRequest(env, user, filed.organizationId!, askedRoles(values).filter((r) => r !== 'member'));
  await notifyValidators(env, [...filed.requestIds, ...(roles.ok ? roles.requestIds : [])]);
  return redirect(request, env, '/user/organizations?done');
}

export async function dropRoleHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  const values = formValues(form);
  if (!csrfValid(request, form)) return myOrganizationsPage(request, env, actor, { general: t(LANG, 'auth.csrf'), status: 403 });
  const role = values.role as Role;
  if (!ROLES.includes(role) || !values.organization) return myOrganizationsPage(request, env, actor, { general: t(LANG, 'roles.roleNotHeld'), status: 400 });
  const result = await revokeRole(env, actor, { userId: actor.id, organizationId: values.organization, role });
  if (!result.ok) return myOrganizationsPage(request, env, actor, { general: t(LANG, result.problem), status: 400 });
  return redirect(request, env, '/user/organizations');
}
