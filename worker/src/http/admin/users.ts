// /admin/users: every account, searchable and paged; /admin/users/:userId: one account and the administrators'
// decisions about it (roles, administrator status, personal e-mail exceptions, sessions), each audited.
import type { IRequest } from 'itty-router';
import { emailDomain } from '../../domain/accounts';
import { isWebmailDomain, webmailPatterns } from '../../domain/email-domains';
import { can, type Role } from '../../domain/permissions';
import type { Env } from '../../env';
import { t, tn, type MessageKey } from '../../i18n';
import { csrfField, errorSummary, selectField, textField, type FieldErrors } from '../../render/forms';
import { html, type Html } from '../../render/html';
import {
  activeSessionCount, grantWebmailException, organizationChoices, rolesOf, searchUsers, setPlatformAdmin, signOutEverywhere,
  webmailExceptionsOf, withdrawWebmailException, type ChangeResult, type HeldRole,
} from '../../store/admin';
import { revokeRole } from '../../store/role-requests';
import { findUserById } from '../../store/users';
import { csrfToken } from '../csrf';
import { forbiddenPage, LANG, pageResponse, redirect } from '../pages';
import { adminForm, consoleNav, doneNotice, formatDate, formatDateTime, pageNumber, pager, requireAdmin } from './common';

const PAGE_SIZE = 25;
const ROLES: readonly Role[] = ['member', 'contributor', 'referent'];
const REASON_MAX_LENGTH = 1000;

const DONE: Record<string, MessageKey> = {
  'role-removed': 'admin.users.done.roleRemoved',
  'admin-granted': 'admin.users.done.adminGranted',
  'admin-withdrawn': 'admin.users.done.adminWithdrawn',
  'exception-granted': 'admin.webmail.done.granted',
  'exception-withdrawn': 'admin.webmail.done.withdrawn',
  'signed-out': 'admin.users.done.signedOut',
};

const yesNo = (value: boolean) => t(LANG, value ? 'admin.yes' : 'admin.no');

/** "Région Test : Membre, Contributeur" per organisation. */
function rolesByOrganization(roles: readonly HeldRole[]): Array<{ organizationId: string; legalName: string; roles: Role[] }> {
  const groups = new Map<string, { organizationId: string; legalName: string; roles: Role[] }>();
  for (const held of roles) {
    const group = groups.get(held.organization_id) ?? { organizationId: held.organization_id, legalName: held.legal_name, roles: [] };
    group.roles.push(held.role);
    groups.set(held.organization_id, group);
  }
  for (const group of groups.values()) group.roles.sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b));
  return [...groups.values()];
}

const roleLabel = (role: Role) => t(LANG, `roles.role.${role}`);

export async function usersListHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireAdmin(request, env);
  if (actor instanceof Response) return actor;
  const url = new URL(request.url);
  const query = (url.searchParams.get('q') ?? '').slice(0, 200);
  const page = pageNumber(url.searchParams.get('page'));
  const { total, users, roles } = await searchUsers(env.DB, query, page, PAGE_SIZE);
  const body = html`<h1>${t(LANG, 'admin.users.title')}</h1>
${consoleNav('users')}
<form method="get" action="/admin/users" class="console-search" role="search">
  <label for="users-q">${t(LANG, 'admin.users.search')}</label>
  <div class="search-row">
    <input type="search" id="users-q" name="q" value="${query}">
    <button type="submit" class="button">${t(LANG, 'admin.search.submit')}</button>
  </div>
</form>
<p role="status">${query ? tn(LANG, 'admin.users.countFor', total, { q: query }) : tn(LANG, 'admin.users.count', total)}</p>
${users.length ? html`<table class="data-table">
  <thead><tr>
    <th scope="col">${t(LANG, 'account.username.label')}</th><th scope="col">${t(LANG, 'admin.users.name')}</th>
    <th scope="col">${t(LANG, 'account.email.label')}</th><th scope="col">${t(LANG, 'admin.users.confirmed')}</th>
    <th scope="col">${t(LANG, 'admin.users.administrator')}</th><th scope="col">${t(LANG, 'admin.users.roles')}</th>
    <th scope="col">${t(LANG, 'admin.users.createdAt')}</th>
  </tr></thead>
  <tbody>
  ${users.map((user) => html`<tr>
    <td><a href="/admin/users/${user.id}">${user.username}</a></td>
    <td>${user.first_name} ${user.last_name}</td>
    <td>${user.email}</td>
    <td>${yesNo(user.email_confirmed_at !== null)}</td>
    <td>${yesNo(user.is_admin === 1)}</td>
    <td>${rolesByOrganization(roles.filter((r) => r.user_id === user.id)).map((group) =>
      html`<div>${t(LANG, 'admin.users.rolesIn', { organization: group.legalName, roles: group.roles.map(roleLabel).join(', ') })}</div>`)}</td>
    <td>${formatDate(user.created_at)}</td>
  </tr>`)}
  </tbody>
</table>` : ''}
${pager(url, page, total, PAGE_SIZE)}`;
  return pageResponse(request, env, { title: t(LANG, 'admin.users.title'), body });
}

interface DetailState {
  problem?: string;
  errors?: FieldErrors;
  organizationId?: string;
  reason?: string;
  status?: number;
}

async function userDetailPage(request: Request, env: Env, userId: string, state: DetailState = {}): Promise<Response> {
  const user = await findUserById(env.DB, userId);
  if (!user) {
    const title = t(LANG, 'admin.users.unknown');
    return pageResponse(request, env, { title, status: 404, body: html`<h1>${title}</h1>${consoleNav('users')}` });
  }
  const [roles, exceptions, organizations, sessions, token] = await Promise.all([
    rolesOf(env.DB, [userId]), webmailExceptionsOf(env.DB, userId), organizationChoices(env.DB), activeSessionCount(env.DB, userId),
    csrfToken(request, env),
  ]);
  const action = (path: string, label: Html | string, fields: Html | '' = '') => html`<form method="post" action="/admin/users/${userId}/${path}" class="inline-form">
    ${csrfField(token)}${fields}<button type="submit" class="button button-secondary">${label}</button></form>`;
  const hidden = (name: string, value: string) => html`<input type="hidden" name="${name}" value="${value}">`;
  const fullName = `${user.first_name} ${user.last_name}`.trim();
  const webmail = isWebmailDomain(emailDomain(user.email), webmailPatterns(env.WEBMAIL_DOMAINS));

  const body = html`<h1>${t(LANG, 'admin.users.detailTitle', { username: user.username })}</h1>
${consoleNav('users')}
${doneNotice(new URL(request.url), DONE)}
${errorSummary(LANG, state.errors ?? {}, state.problem)}
<dl class="console-facts">
  <dt>${t(LANG, 'admin.users.name')}</dt><dd>${fullName || '—'}</dd>
  <dt>${t(LANG, 'account.email.label')}</dt><dd>${user.email}</dd>
  <dt>${t(LANG, 'admin.users.confirmed')}</dt>
  <dd>${user.email_confirmed_at ? t(LANG, 'admin.users.confirmedOn', { date: formatDate(user.email_confirmed_at) }) : t(LANG, 'admin.no')}</dd>
  <dt>${t(LANG, 'admin.users.createdAt')}</dt><dd>${formatDate(user.created_at)}</dd>
</dl>

<section class="console-section" aria-labelledby="roles-title">
  <h2 id="roles-title">${t(LANG, 'admin.users.rolesTitle')}</h2>
  ${roles.length ? html`<p class="field-hint">${t(LANG, 'admin.users.rolesHint')}</p>
  <table class="data-table">
    <thead><tr><th scope="col">${t(LANG, 'admin.organization')}</th><th scope="col">${t(LANG, 'admin.users.roles')}</th></tr></thead>
    <tbody>${rolesByOrganization(roles).map((group) => html`<tr>
      <td><a href="/admin/organizations/${group.organizationId}">${group.legalName}</a></td>
      <td><ul class="role-list">${group.roles.map((role) => html`<li>${roleLabel(role)}
        ${action('roles/remove', html`${t(LANG, 'admin.roles.remove')}<span class="sr-only"> ${t(LANG, 'admin.roles.removeWhat', { role: roleLabel(role), organization: group.legalName })}</span>`,
          html`${hidden('organizationId', group.organizationId)}${hidden('role', role)}`)}</li>`)}</ul></td>
    </tr>`)}</tbody>
  </table>` : html`<p>${t(LANG, 'admin.users.noRoles')}</p>`}
</section>

<section class="console-section" aria-labelledby="admin-title">
  <h2 id="admin-title">${t(LANG, 'admin.users.adminTitle')}</h2>
  <p>${t(LANG, user.is_admin === 1 ? 'admin.users.isAdmin' : 'admin.users.isNotAdmin')}</p>
  ${user.is_admin === 1
    ? action('administrator', t(LANG, 'admin.users.withdrawAdmin'), hidden('administrator', '0'))
    : action('administrator', t(LANG, 'admin.users.grantAdmin'), hidden('administrator', '1'))}
</section>

<section class="console-section" aria-labelledby="webmail-title">
  <h2 id="webmail-title">${t(LANG, 'admin.webmail.title')}</h2>
  <p class="field-hint">${t(LANG, 'admin.webmail.hint')}</p>
  ${webmail ? html`<p class="notice">${t(LANG, 'admin.webmail.isWebmail', { domain: emailDomain(user.email) })}</p>` : ''}
  ${exceptions.length ? html`<table class="data-table">
    <thead><tr><th scope="col">${t(LANG, 'admin.organization')}</th><th scope="col">${t(LANG, 'admin.webmail.reason')}</th>
      <th scope="col">${t(LANG, 'admin.webmail.grantedBy')}</th><th scope="col"><span class="sr-only">${t(LANG, 'admin.actions')}</span></th></tr></thead>
    <tbody>${exceptions.map((e) => html`<tr>
      <td>${e.legal_name}</td><td>${e.reason}</td>
      <td>${t(LANG, 'admin.webmail.grantedOn', { username: e.granted_by_username ?? '—', date: formatDate(e.created_at) })}</td>
      <td>${action('webmail-exceptions/withdraw', t(LANG, 'admin.webmail.withdraw'), hidden('organizationId', e.organization_id))}</td>
    </tr>`)}</tbody>
  </table>` : html`<p>${t(LANG, 'admin.webmail.none')}</p>`}
  <form method="post" action="/admin/users/${userId}/webmail-exceptions" class="form" novalidate>
    ${csrfField(token)}
    ${selectField({ lang: LANG, name: 'organizationId', label: t(LANG, 'admin.organization'), required: true, value: state.organizationId,
      error: state.errors?.organizationId, placeholder: t(LANG, 'admin.webmail.chooseOrganization'),
      choices: organizations.map((o) => ({ value: o.id, label: o.is_active ? o.legal_name : t(LANG, 'admin.organizations.inactiveName', { name: o.legal_name }) })) })}
    ${textField({ lang: LANG, name: 'reason', label: t(LANG, 'admin.webmail.reason'), hint: t(LANG, 'admin.webmail.reasonHint'), required: true,
      multiline: true, value: state.reason, error: state.errors?.reason })}
    <button type="submit" class="button">${t(LANG, 'admin.webmail.grant')}</button>
  </form>
</section>

<section class="console-section" aria-labelledby="sessions-title">
  <h2 id="sessions-title">${t(LANG, 'admin.sessions.title')}</h2>
  <p>${tn(LANG, 'admin.sessions.count', sessions)}</p>
  ${action('sessions/revoke', t(LANG, 'admin.sessions.revoke'))}
</section>

<p><a href="/admin/audit?user=${encodeURIComponent(user.username)}">${t(LANG, 'admin.users.auditLink')}</a></p>`;
  return pageResponse(request, env, { title: t(LANG, 'admin.users.detailTitle', { username: user.username }), body, status: state.status });
}

export async function userDetailHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireAdmin(request, env);
  if (actor instanceof Response) return actor;
  return userDetailPage(request, env, request.params.userId!);
}

/** After a change: back to the account's page with a notice, or the page again with the refusal. */
async function answer(request: Request, env: Env, userId: string, result: ChangeResult, done: keyof typeof DONE): Promise<Response> {
  if (result.ok) return redirect(request, env, `/admin/users/${userId}?done=${done}`);
  return userDetailPage(request, env, userId, { problem: t(LANG, result.problem), status: result.problem === 'auth.forbidden' ? 403 : 409 });
}

export async function removeRoleHandler(request: IRequest, env: Env): Promise<Response> {
  const posted = await adminForm(request, env);
  if (posted instanceof Response) return posted;
  const userId = request.params.userId!;
  const role = posted.values.role as Role;
  if (!ROLES.includes(role) || !posted.values.organizationId) {
    return answer(request, env, userId, { ok: false, problem: 'roles.roleNotHeld' }, 'role-removed');
  }
  const result = await revokeRole(env, posted.actor, { userId, organizationId: posted.values.organizationId, role });
  return answer(request, env, userId, result, 'role-removed');
}

export async function administratorHandler(request: IRequest, env: Env): Promise<Response> {
  const posted = await adminForm(request, env);
  if (posted instanceof Response) return posted;
  const userId = request.params.userId!;
  const value = posted.values.administrator;
  if (value !== '0' && value !== '1') return userDetailPage(request, env, userId, { problem: t(LANG, 'admin.invalidForm'), status: 400 });
  const grant = value === '1';
  const result = await setPlatformAdmin(env.DB, posted.actor, userId, grant);
  // Having dropped their own status, the administrator can no longer see the console: back to their account.
  if (result.ok && !grant && userId === posted.actor.id) return redirect(request, env, '/user');
  return answer(request, env, userId, result, grant ? 'admin-granted' : 'admin-withdrawn');
}

export async function grantWebmailExceptionHandler(request: IRequest, env: Env): Promise<Response> {
  const posted = await adminForm(request, env);
  if (posted instanceof Response) return posted;
  if (!can(posted.actor, { action: 'webmail:grant-exception' })) return forbiddenPage(request, env);
  const userId = request.params.userId!;
  const organizationId = posted.values.organizationId ?? '';
  const reason = (posted.values.reason ?? '').trim();
  const errors: FieldErrors = {};
  if (!organizationId) errors.organizationId = t(LANG, 'admin.webmail.organizationRequired');
  if (!reason) errors.reason = t(LANG, 'admin.webmail.reasonRequired');
  else if (reason.length > REASON_MAX_LENGTH) errors.reason = t(LANG, 'admin.webmail.reasonTooLong', { max: REASON_MAX_LENGTH });
  if (Object.keys(errors).length) return userDetailPage(request, env, userId, { errors, organizationId, reason, status: 400 });
  const result = await grantWebmailException(env.DB, posted.actor, userId, organizationId, reason);
  if (!result.ok) return userDetailPage(request, env, userId, { problem: t(LANG, result.problem), organizationId, reason, status: 409 });
  return answer(request, env, userId, result, 'exception-granted');
}

export async function withdrawWebmailExceptionHandler(request: IRequest, env: Env): Promise<Response> {
  const posted = await adminForm(request, env);
  if (posted instanceof Response) return posted;
  if (!can(posted.actor, { action: 'webmail:grant-exception' })) return forbiddenPage(request, env);
  const userId = request.params.userId!;
  const result = await withdrawWebmailException(env.DB, posted.actor, userId, posted.values.organizationId ?? '');
  return answer(request, env, userId, result, 'exception-withdrawn');
}

export async function signOutEverywhereHandler(request: IRequest, env: Env): Promise<Response> {
  const posted = await adminForm(request, env);
  if (posted instanceof Response) return posted;
  const userId = request.params.userId!;
  return answer(request, env, userId, await signOutEverywhere(env.DB, posted.actor, userId), 'signed-out');
}
