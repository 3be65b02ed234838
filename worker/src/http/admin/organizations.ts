// /admin/organizations: every organisation, inactive ones included with their pending creation request;
// activation and deactivation, and the organisation's own mail domains used by the personal e-mail rule.
import type { IRequest } from 'itty-router';
import { MAX_ORGANIZATION_DOMAINS, parseEmailDomains } from '../../domain/email-domains';
import type { OrganizationType } from '../../domain/vocabulary';
import type { Env } from '../../env';
import { formatNumber, organizationTypeLabel, t, type MessageKey } from '../../i18n';
import { csrfField, errorSummary, textField, type FieldErrors } from '../../render/forms';
import { html, type Html } from '../../render/html';
import {
  findOrganizationForAdmin, listOrganizations, setOrganizationActive, setOrganizationDomains, type OrganizationAdminRow,
} from '../../store/admin';
import { csrfToken } from '../csrf';
import { LANG, pageResponse, redirect } from '../pages';
import { adminForm, consoleNav, doneNotice, formatDate, requireAdmin } from './common';


const DONE: Record<string, MessageKey> = {
  activated: 'admin.organizations.done.activated',
  deactivated: 'admin.organizations.done.deactivated',
  domains: 'admin.organizations.done.domains',
};

const domainsOf = (organization: OrganizationAdminRow) => JSON.parse(organization.email_domains) as string[];

function statusLabel(organization: OrganizationAdminRow): string {
  if (organization.is_active) return t(LANG, 'admin.organizations.active');
  return t(LANG, organization.request_id ? 'admin.organizations.awaiting' : 'admin.organizations.inactive');
}

/** Activate / deactivate; an organisation waiting for its creation request is sent to the validation queue. */
function activationControl(organization: OrganizationAdminRow, token: string, back: 'list' | 'detail'): Html {
  if (!organization.is_active && organization.request_id) {
    return html`<a href="/user/validation">${t(LANG, 'admin.organizations.decideRequest')}</a>`;
  }
  const activate = !organization.is_active;
  return html`<form method="post" action="/admin/organizations/${organization.id}/active" class="inline-form">
  ${csrfField(token)}<input type="hidden" name="active" value="${activate ? '1' : '0'}"><input type="hidden" name="back" value="${back}">
  <button type="submit" class="button button-secondary">${t(LANG, activate ? 'admin.organizations.activate' : 'admin.organizations.deactivate')}<span class="sr-only"> ${organization.legal_name}</span></button>
</form>`;
}

function creationRequest(organization: OrganizationAdminRow): Html | '' {
  if (!organization.request_id || !organization.requester_id) return '';
  return html`${t(LANG, 'admin.organizations.requestedBy', { date: formatDate(organization.requested_at!) })}
  <a href="/admin/users/${organization.requester_id}">${organization.requester_username}</a> (${organization.requester_email})`;
}

export async function organizationsListHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireAdmin(request, env);
  if (actor instanceof Response) return actor;
  const [organizations, token] = await Promise.all([listOrganizations(env.DB), csrfToken(request, env)]);
  const body = html`<h1>${t(LANG, 'admin.organizations.title')}</h1>
${consoleNav('organizations')}
${doneNotice(new URL(request.url), DONE)}
<table class="data-table">
  <thead><tr>
    <th scope="col">${t(LANG, 'admin.organization')}</th><th scope="col">${t(LANG, 'admin.organizations.status')}</th>
    <th scope="col">${t(LANG, 'admin.organizations.creationRequest')}</th><th scope="col">${t(LANG, 'admin.organizations.members')}</th>
    <th scope="col">${t(LANG, 'admin.organizations.datasets')}</th><th scope="col">${t(LANG, 'admin.organizations.domains')}</th>
    <th scope="col"><span class="sr-only">${t(LANG, 'admin.actions')}</span></th>
  </tr></thead>
  <tbody>${organizations.map((o) => html`<tr>
    <td><a href="/admin/organizations/${o.id}">${o.legal_name}</a><br><span class="muted">${organizationTypeLabel(LANG, o.org_type as OrganizationType)}</span></td>
    <td>${statusLabel(o)}</td>
    <td>${creationRequest(o) || '—'}</td>
    <td>${formatNumber(LANG, o.members)}</td>
    <td>${formatNumber(LANG, o.datasets)}</td>
    <td>${domainsOf(o).join(', ') || '—'}</td>
    <td>${activationControl(o, token, 'list')}</td>
  </tr>`)}</tbody>
</table>`;
  return pageResponse(request, env, { title: t(LANG, 'admin.organizations.title'), body });
}

interface DetailState {
  problem?: string;
  domainsError?: string;
  domains?: string;
  status?: number;
}

async function organizationPage(request: Request, env: Env, organizationId: string, state: DetailState = {}): Promise<Response> {
  const organization = await findOrganizationForAdmin(env.DB, organizationId);
  if (!organization) {
    const title = t(LANG, 'admin.organizations.unknown');
    return pageResponse(request, env, { title, status: 404, body: html`<h1>${title}</h1>${consoleNav('organizations')}` });
  }
  const token = await csrfToken(request, env);
  const body = html`<h1>${organization.legal_name}</h1>
${consoleNav('organizations')}
${doneNotice(new URL(request.url), DONE)}
${errorSummary(LANG, state.domainsError ? { domains: state.domainsError } : {}, state.problem)}
<dl class="console-facts">
  <dt>${t(LANG, 'admin.organizations.type')}</dt><dd>${organizationTypeLabel(LANG, organization.org_type as OrganizationType)}</dd>
  <dt>${t(LANG, 'admin.organizations.status')}</dt><dd>${statusLabel(organization)} ${activationControl(organization, token, 'detail')}</dd>
  ${organization.request_id ? html`<dt>${t(LANG, 'admin.organizations.creationRequest')}</dt><dd>${creationRequest(organization)}
    ${organization.request_message ? html`<blockquote>${organization.request_message}</blockquote>` : ''}</dd>` : ''}
  <dt>${t(LANG, 'admin.organizations.members')}</dt>
  <dd>${formatNumber(LANG, organization.members)} <a href="/user/organizations/${organization.id}/members">${t(LANG, 'admin.organizations.membersLink')}</a></dd>
  <dt>${t(LANG, 'admin.organizations.datasets')}</dt><dd>${formatNumber(LANG, organization.datasets)}</dd>
  <dt>${t(LANG, 'admin.organizations.createdAt')}</dt><dd>${formatDate(organization.created_at)}</dd>
</dl>
<form method="post" action="/admin/organizations/${organization.id}/domains" class="form" novalidate>
  ${csrfField(token)}
  ${textField({ lang: LANG, name: 'domains', label: t(LANG, 'admin.organizations.domains'), hint: t(LANG, 'admin.organizations.domainsHint'),
    multiline: true, value: state.domains ?? domainsOf(organization).join('\n'), error: state.domainsError })}
  <button type="submit" class="button">${t(LANG, 'admin.organizations.saveDomains')}</button>
</form>`;
  return pageResponse(request, env, { title: organization.legal_name, body, status: state.status });
}

export async function organizationDetailHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireAdmin(request, env);
  if (actor instanceof Response) return actor;
  return organizationPage(request, env, request.params.organizationId!);
}

export async function organizationActiveHandler(request: IRequest, env: Env): Promise<Response> {
  const posted = await adminForm(request, env);
  if (posted instanceof Response) return posted;
  const organizationId = request.params.organizationId!;
  const value = posted.values.active;
  if (value !== '0' && value !== '1') return organizationPage(request, env, organizationId, { problem: t(LANG, 'admin.invalidForm'), status: 400 });
  const result = await setOrganizationActive(env.DB, posted.actor, organizationId, value === '1');
  if (!result.ok) return organizationPage(request, env, organizationId, { problem: t(LANG, result.problem), status: 409 });
  const done = value === '1' ? 'activated' : 'deactivated';
  const back = posted.values.back === 'detail' ? `/admin/organizations/${organizationId}` : '/admin/organizations';
  return redirect(request, env, `${back}?done=${done}`);
}

/** Domains typed one per line (commas and spaces work too), `@` optional; the first problem found is reported. */
function parseDomains(text: string): { domains: string[] } | { error: string } {
  const { domains, invalid, tooMany } = parseEmailDomains(text);
  if (tooMany) return { error: t(LANG, 'admin.organizations.tooManyDomains', { max: MAX_ORGANIZATION_DOMAINS }) };
  if (invalid) return { error: t(LANG, 'admin.organizations.invalidDomain', { domain: invalid }) };
  return { domains };
}

export async function organizationDomainsHandler(request: IRequest, env: Env): Promise<Response> {
  const posted = await adminForm(request, env);
  if (posted instanceof Response) return posted;
  const organizationId = request.params.organizationId!;
  const text = posted.values.domains ?? '';
  const parsed = parseDomains(text);
  if ('error' in parsed) return organizationPage(request, env, organizationId, { domainsError: parsed.error, domains: text, status: 400 });
  const result = await setOrganizationDomains(env.DB, posted.actor, organizationId, parsed.domains);
  if (!result.ok) return organizationPage(request, env, organizationId, { problem: t(LANG, result.problem), status: 404 });
  return redirect(request, env, `/admin/organizations/${organizationId}?done=domains`);
}
