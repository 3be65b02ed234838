// /user/organizations/:organizationId/members: the organisation's members and their roles, for its référents and
// administrators, with a remove button per role wherever can() allows it (a référent cannot remove a référent or
// an administrator). A forged removal is refused by revokeRole, which asks can() again.
import type { IRequest } from 'itty-router';
import { can, type Actor, type Role } from '../../domain/permissions';
import { rolesAfterDropping } from '../../domain/role-requests';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { csrfField, errorSummary } from '../../render/forms';
import { html } from '../../render/html';
import { organizationMembers, type MemberRow } from '../../store/admin';
import { findOrganization, revokeRole, type OrganizationRow } from '../../store/role-requests';
import { loadUserActor } from '../../store/users';
import { csrfToken, csrfValid } from '../csrf';
import { forbiddenPage, formValues, LANG, pageResponse, redirect, requireUser, type SignedIn } from '../pages';

const ROLES: readonly Role[] = ['member', 'contributor', 'referent'];

/** Removing a role removes the ones above it too: the button shows only if the actor may remove all of them. */
function canRemove(actor: Actor, organizationId: string, member: MemberRow, role: Role): boolean {
  const removed = member.roles.filter((held) => !rolesAfterDropping(member.roles, role).includes(held));
  return removed.every((held) => can(actor, {
    action: 'role:revoke',
    role: { userId: member.id, organizationId, role: held, holderIsAdmin: member.is_admin === 1 },
  }));
}

/** The signed-in référent or administrator of the organisation, or the answer for anyone else. */
async function requireManager(request: Request, env: Env, organizationId: string): Promise<SignedIn | Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  if (!can(actor, { action: 'organization:manage', organizationId })) return forbiddenPage(request, env);
  return actor;
}

async function membersPage(request: Request, env: Env, actor: SignedIn, organization: OrganizationRow, state: { problem?: string; status?: number } = {}):
  Promise<Response> {
  const [members, token] = await Promise.all([organizationMembers(env.DB, organization.id), csrfToken(request, env)]);
  const removed = new URL(request.url).searchParams.get('done') === 'removed';
  const title = t(LANG, 'members.title', { organization: organization.legal_name });
  const body = html`<h1>${title}</h1>
${removed ? html`<p class="success" role="status">${t(LANG, 'members.done.removed')}</p>` : ''}
${errorSummary(LANG, {}, state.problem)}
${members.length ? html`<p class="field-hint">${t(LANG, 'admin.users.rolesHint')}</p>
<table class="data-table">
  <thead><tr><th scope="col">${t(LANG, 'account.username.label')}</th><th scope="col">${t(LANG, 'admin.users.name')}</th>
    <th scope="col">${t(LANG, 'account.email.label')}</th><th scope="col">${t(LANG, 'admin.users.roles')}</th></tr></thead>
  <tbody>${members.map((member) => html`<tr>
    <td>${member.username}${member.is_admin ? html` <span class="muted">${t(LANG, 'members.administrator')}</span>` : ''}</td>
    <td>${member.first_name} ${member.last_name}</td>
    <td>${member.email}</td>
    <td><ul class="role-list">${member.roles.map((role) => html`<li>${t(LANG, `roles.role.${role}`)}
      ${canRemove(actor, organization.id, member, role) ? html`<form method="post" action="/user/organizations/${organization.id}/members/remove" class="inline-form">
        ${csrfField(token)}<input type="hidden" name="userId" value="${member.id}"><input type="hidden" name="role" value="${role}">
        <button type="submit" class="button button-secondary">${t(LANG, 'admin.roles.remove')}<span class="sr-only"> ${t(LANG, 'members.removeWhat', { role: t(LANG, `roles.role.${role}`), username: member.username })}</span></button>
      </form>` : ''}</li>`)}</ul></td>
  </tr>`)}</tbody>
</table>` : html`<p>${t(LANG, 'members.none')}</p>`}`;
  return pageResponse(request, env, { title, body, status: state.status });
}

async function organizationOrNotFound(request: Request, env: Env, organizationId: string): Promise<OrganizationRow | Response> {
  const organization = await findOrganization(env.DB, organizationId);
  if (organization) return organization;
  const title = t(LANG, 'admin.organizations.unknown');
  return pageResponse(request, env, { title, status: 404, body: html`<h1>${title}</h1>` });
}

export async function membersHandler(request: IRequest, env: Env): Promise<Response> {
  const organizationId = request.params.organizationId!;
  const actor = await requireManager(request, env, organizationId);
  if (actor instanceof Response) return actor;
  const organization = await organizationOrNotFound(request, env, organizationId);
  if (organization instanceof Response) return organization;
  return membersPage(request, env, actor, organization);
}

export async function removeMemberRoleHandler(request: IRequest, env: Env): Promise<Response> {
  const organizationId = request.params.organizationId!;
  const actor = await requireManager(request, env, organizationId);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  if (!csrfValid(request, form)) return forbiddenPage(request, env, t(LANG, 'auth.csrf'));
  const organization = await organizationOrNotFound(request, env, organizationId);
  if (organization instanceof Response) return organization;
  const values = formValues(form);
  const role = values.role as Role;
  const userId = values.userId ?? '';
  const result = ROLES.includes(role) ? await revokeRole(env, actor, { userId, organizationId, role }) : { ok: false as const, problem: 'roles.roleNotHeld' as const };
  if (!result.ok) {
    return membersPage(request, env, actor, organization, { problem: t(LANG, result.problem), status: result.problem === 'auth.forbidden' ? 403 : 409 });
  }
  // A référent who dropped their own référent role no longer manages the organisation: back to their organisations.
  if (userId === actor.id) {
    const now = await loadUserActor(env.DB, { id: actor.id, username: actor.username ?? '', is_admin: actor.isAdmin ? 1 : 0 });
    if (!can(now, { action: 'organization:manage', organizationId })) return redirect(request, env, '/user/organizations');
  }
  return redirect(request, env, `/user/organizations/${organizationId}/members?done=removed`);
}
