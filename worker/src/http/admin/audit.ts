// /admin/audit: the audit log, newest first, filterable by action and by user, told in French: who did what, on
// what, with the details that matter (organisation, statuses, reason…) instead of identifiers.
import type { IRequest } from 'itty-router';
import type { Role } from '../../domain/permissions';
import { REQUEST_KINDS, type RequestKind } from '../../domain/role-requests';
import type { Env } from '../../env';
import { t, tn, type MessageKey } from '../../i18n';
import { html, type Html } from '../../render/html';
import { auditActions, auditEntries, findUserIdByUsername, namesOf, type AuditRow } from '../../store/admin';
import { LANG, pageResponse } from '../pages';
import { consoleNav, formatDateTime, pageNumber, pager, requireAdmin } from './common';

const PAGE_SIZE = 50;
const ROLES: readonly unknown[] = ['member', 'contributor', 'referent'] satisfies Role[];

// Actions recorded today; an action without a label here is shown by its code.
const ACTION_LABELS: Record<string, MessageKey> = {
  'request.accept': 'admin.audit.action.requestAccept',
  'request.refuse': 'admin.audit.action.requestRefuse',
  'role.drop': 'admin.audit.action.roleDrop',
  'role.revoke': 'admin.audit.action.roleRevoke',
  'admin.grant': 'admin.audit.action.adminGrant',
  'admin.withdraw': 'admin.audit.action.adminWithdraw',
  'webmail.grant': 'admin.audit.action.webmailGrant',
  'webmail.withdraw': 'admin.audit.action.webmailWithdraw',
  'sessions.revoke': 'admin.audit.action.sessionsRevoke',
  'organization.activate': 'admin.audit.action.organizationActivate',
  'organization.deactivate': 'admin.audit.action.organizationDeactivate',
  'organization.domains': 'admin.audit.action.organizationDomains',
  'catalogue.import': 'admin.audit.action.catalogueImport',
  'account.created': 'admin.audit.action.accountCreated',
  'account.confirmed': 'admin.audit.action.accountConfirmed',
  'account.deleted': 'admin.audit.action.accountDeleted',
  'account.email_change_requested': 'admin.audit.action.emailChangeRequested',
  'account.email_changed': 'admin.audit.action.emailChanged',
  'account.password_changed': 'admin.audit.action.passwordChanged',
  'account.password_reset': 'admin.audit.action.passwordReset',
  'account.profile_updated': 'admin.audit.action.profileUpdated',
  'account.terms_accepted': 'admin.audit.action.termsAccepted',
  'api_token.created': 'admin.audit.action.apiTokenCreated',
  'api_token.revoked': 'admin.audit.action.apiTokenRevoked',
  'dataset.create': 'admin.audit.action.datasetCreate',
  'dataset.update': 'admin.audit.action.datasetUpdate',
  'dataset.delete': 'admin.audit.action.datasetDelete',
  'purge': 'admin.audit.action.purge',
};

const DETAIL_LABELS: Record<string, MessageKey> = {
  organizationId: 'admin.organization',
  userId: 'admin.audit.detail.user',
  kind: 'admin.audit.detail.kind',
  roles: 'admin.users.roles',
  note: 'admin.audit.detail.note',
  reason: 'admin.audit.detail.reason',
  domains: 'admin.organizations.domains',
  previousDomains: 'admin.audit.detail.previousDomains',
  sessions: 'admin.audit.detail.sessions',
  datasets: 'admin.organizations.datasets',
  resources: 'admin.audit.detail.resources',
};

const actionLabel = (action: string) => (ACTION_LABELS[action] ? t(LANG, ACTION_LABELS[action]) : action);

type Names = Awaited<ReturnType<typeof namesOf>>;

function parseDetail(row: AuditRow): Record<string, unknown> {
  try {
    const detail: unknown = JSON.parse(row.detail);
    return detail && typeof detail === 'object' && !Array.isArray(detail) ? (detail as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const isUserId = (actor: string) => actor !== 'operator' && actor !== 'system';

function userLink(id: string, names: Names): Html {
  const name = names.users.get(id);
  return name ? html`<a href="/admin/users/${id}">${name}</a>` : html`${t(LANG, 'admin.audit.deletedUser')}`;
}

function organizationLink(id: string, names: Names): Html {
  const name = names.organizations.get(id);
  return name ? html`<a href="/admin/organizations/${id}">${name}</a>` : html`${t(LANG, 'admin.audit.deletedOrganization')}`;
}

function who(row: AuditRow, names: Names): Html | string {
  if (row.actor === 'operator') return t(LANG, 'admin.audit.operator');
  if (row.actor === 'system') return t(LANG, 'admin.audit.system');
  return userLink(row.actor, names);
}

function onWhat(row: AuditRow, names: Names): Html | string {
  if (!row.object_type) return '—';
  switch (row.object_type) {
    case 'user':
      return userLink(row.object_id!, names);
    case 'organization':
      return organizationLink(row.object_id!, names);
    case 'role_request':
      return t(LANG, 'admin.audit.object.request');
    case 'catalogue':
      return t(LANG, 'admin.audit.object.catalogue');
    default:
      return `${row.object_type} ${row.object_id ?? ''}`.trim();
  }
}

function detailValue(key: string, value: unknown, names: Names): Html | string {
  if (key === 'userId' && typeof value === 'string') return userLink(value, names);
  if (key === 'organizationId' && typeof value === 'string') return organizationLink(value, names);
  if (key === 'kind' && REQUEST_KINDS.includes(value as RequestKind)) return t(LANG, `roles.kind.${value as RequestKind}`);
  if (key === 'roles' && Array.isArray(value)) {
    return value.map((role) => (ROLES.includes(role as Role) ? t(LANG, `roles.role.${role as Role}`) : String(role))).join(', ');
  }
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function details(detail: Record<string, unknown>, names: Names): Html | '' {
  const entries = Object.entries(detail).filter(([, value]) => value !== '' && value !== null && value !== undefined);
  if (entries.length === 0) return '';
  return html`<dl class="audit-detail">${entries.map(([key, value]) => html`<dt>${DETAIL_LABELS[key] ? t(LANG, DETAIL_LABELS[key]) : key}</dt><dd>${detailValue(key, value, names)}</dd>`)}</dl>`;
}

export async function auditHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireAdmin(request, env);
  if (actor instanceof Response) return actor;
  const url = new URL(request.url);
  const action = (url.searchParams.get('action') ?? '').slice(0, 100);
  const username = (url.searchParams.get('user') ?? '').trim().slice(0, 100);
  const page = pageNumber(url.searchParams.get('page'));
  const user = username ? await findUserIdByUsername(env.DB, username) : null;
  const [actions, entries] = await Promise.all([
    auditActions(env.DB),
    username && !user ? Promise.resolve({ total: 0, rows: [] }) : auditEntries(env.DB, { action, userId: user?.id ?? '' }, page, PAGE_SIZE),
  ]);
  const parsed = entries.rows.map((row) => ({ row, detail: parseDetail(row) }));
  const userIds = new Set<string>();
  const organizationIds = new Set<string>();
  for (const { row, detail } of parsed) {
    if (isUserId(row.actor)) userIds.add(row.actor);
    if (row.object_type === 'user' && row.object_id) userIds.add(row.object_id);
    if (row.object_type === 'organization' && row.object_id) organizationIds.add(row.object_id);
    if (typeof detail.userId === 'string') userIds.add(detail.userId);
    if (typeof detail.organizationId === 'string') organizationIds.add(detail.organizationId);
  }
  const names = await namesOf(env.DB, [...userIds], [...organizationIds]);

  const body = html`<h1>${t(LANG, 'admin.audit.title')}</h1>
${consoleNav('audit')}
<form method="get" action="/admin/audit" class="console-filters">
  <div class="field">
    <label for="audit-action">${t(LANG, 'admin.audit.filterAction')}</label>
    <select id="audit-action" name="action">
      <option value="">${t(LANG, 'admin.audit.allActions')}</option>
      ${actions.map((a) => html`<option value="${a}"${a === action ? html` selected` : ''}>${actionLabel(a)}</option>`)}
    </select>
  </div>
  <div class="field">
    <label for="audit-user">${t(LANG, 'admin.audit.filterUser')}</label>
    <input type="text" id="audit-user" name="user" value="${username}" autocomplete="off">
  </div>
  <button type="submit" class="button">${t(LANG, 'admin.audit.filter')}</button>
</form>
${username && !user ? html`<p class="notice" role="status">${t(LANG, 'admin.audit.unknownUser', { username })}</p>`
    : html`<p role="status">${tn(LANG, 'admin.audit.count', entries.total)}</p>`}
${parsed.length ? html`<table class="data-table">
  <thead><tr><th scope="col">${t(LANG, 'admin.audit.at')}</th><th scope="col">${t(LANG, 'admin.audit.who')}</th>
    <th scope="col">${t(LANG, 'admin.audit.what')}</th><th scope="col">${t(LANG, 'admin.audit.onWhat')}</th>
    <th scope="col">${t(LANG, 'admin.audit.details')}</th></tr></thead>
  <tbody>${parsed.map(({ row, detail }) => html`<tr>
    <td>${formatDateTime(row.at)}</td><td>${who(row, names)}</td><td>${actionLabel(row.action)}</td>
    <td>${onWhat(row, names)}</td><td>${details(detail, names)}</td>
  </tr>`)}</tbody>
</table>` : ''}
${pager(url, page, entries.total, PAGE_SIZE)}`;
  return pageResponse(request, env, { title: t(LANG, 'admin.audit.title'), body });
}
