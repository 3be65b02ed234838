// Access requests (issue 5): the form behind the static page's "Demander l'accès", the user's own requests, the
// queue of the organisation's contributeurs and référents, and the decision (grant to the user or to their
// organisation, or refuse with a message). Only the requester and those who may decide ever see a request.
import type { IRequest } from 'itty-router';
import { can } from '../../domain/permissions';
import { checkText } from '../../domain/participation-rules';
import type { Env } from '../../env';
import { accessLevelLabel, t } from '../../i18n';
import { sendMails } from '../../mail/mailer';
import { accessDecisionMail, accessRequestMails } from '../../mail/templates/participation';
import { formatDateTime } from '../../render/dates';
import { csrfField, errorSummary, selectField, textField, type FieldErrors } from '../../render/forms';
import { html, type Html } from '../../render/html';
import {
  createAccessRequest, decideAccessRequest, findAccessRequest, findRequestableDataset, hasPendingRequest, lockedResources,
  organizationManagerEmails, requestDatasetFacts, requesterOrganizations, requestsBy, requestsToDecide, type AccessRequestRow,
  type RequestableDataset,
} from '../../store/participation-access';
import { hitRateLimits } from '../../store/rate-limit';
import { findUserById } from '../../store/users';
import { csrfToken, csrfValid } from '../csrf';
import { forbiddenPage, formValues, LANG, pageResponse, redirect, requireUser, type SignedIn } from '../pages';

const ALL = 'all';
const REQUEST_LIMIT = { limit: 10, windowSeconds: 3600 };

const statusBadge = (status: AccessRequestRow['status']) =>
  html`<span class="badge status-${status}">${t(LANG, `participation.access.status.${status}`)}</span>`;

async function notFound(request: Request, env: Env): Promise<Response> {
  return pageResponse(request, env, {
    title: t(LANG, 'participation.access.notFound'), status: 404,
    body: html`<h1>${t(LANG, 'participation.access.notFound')}</h1><p><a href="/dataset">${t(LANG, 'participation.backToCatalogue')}</a></p>`,
  });
}

interface FormState { values?: Record<string, string>; errors?: FieldErrors; general?: string; status?: number }

async function requestForm(request: Request, env: Env, actor: SignedIn, dataset: RequestableDataset, state: FormState = {}): Promise<Response> {
  const locked = lockedResources(actor, dataset);
  const title = t(LANG, 'participation.access.title', { dataset: dataset.title });
  const back = html`<p><a href="/dataset/${dataset.slug}">${t(LANG, 'participation.backToDataset')}</a></p>`;
  if (locked.length === 0) {
    return pageResponse(request, env, { title, body: html`<h1>${title}</h1><p class="success" role="status">${t(LANG, 'participation.access.already')}</p>${back}` });
  }
  const values = state.values ?? {};
  const choices = [
    ...(locked.length > 1 ? [{ value: ALL, label: t(LANG, 'participation.access.allResources') }] : []),
    ...locked.map((r) => ({ value: r.id, label: `${r.title} (${accessLevelLabel(LANG, r.accessLevel)})` })),
  ];
  const token = await csrfToken(request, env);
  const body = html`<h1>${title}</h1>
${errorSummary(LANG, state.errors ?? {}, state.general)}
<p>${t(LANG, 'participation.access.intro', { organization: dataset.organizationName })}</p>
<form method="post" action="/user/access-requests/new" class="form" novalidate>${csrfField(token)}
<input type="hidden" name="dataset" value="${dataset.id}">
${selectField({ lang: LANG, name: 'resource', label: t(LANG, 'participation.access.resource'), value: values.resource ?? (locked.length > 1 ? ALL : locked[0]!.id), choices, error: state.errors?.resource, required: true })}
${textField({ lang: LANG, name: 'reason', label: t(LANG, 'participation.access.reason'), hint: t(LANG, 'participation.access.reasonHint'), value: values.reason, error: state.errors?.reason, required: true, multiline: true })}
<div class="form-actions"><button type="submit" class="button">${t(LANG, 'participation.access.submit')}</button>
<a href="/dataset/${dataset.slug}">${t(LANG, 'participation.cancel')}</a></div>
</form>`;
  return pageResponse(request, env, { title, body, status: state.status });
}

export async function newAccessRequestHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const url = new URL(request.url);
  const dataset = await findRequestableDataset(env.DB, url.searchParams.get('dataset') ?? '');
  if (!dataset || !can(actor, { action: 'dataset:view', dataset: dataset.facts })) return notFound(request, env);
  const resource = url.searchParams.get('resource');
  return requestForm(request, env, actor, dataset, { values: resource ? { resource } : {} });
}

export async function createAccessRequestHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  const values = formValues(form);
  const dataset = await findRequestableDataset(env.DB, values.dataset ?? '');
  if (!dataset || !can(actor, { action: 'dataset:view', dataset: dataset.facts })) return notFound(request, env);
  if (!csrfValid(request, form)) return requestForm(request, env, actor, dataset, { values, general: t(LANG, 'auth.csrf'), status: 403 });
  const locked = lockedResources(actor, dataset);
  const errors: FieldErrors = {};
  const resourceId = values.resource === ALL ? null : values.resource ?? '';
  if (resourceId !== null && !locked.some((r) => r.id === resourceId)) errors.resource = t(LANG, 'participation.access.error.resource');
  const reason = checkText(values.reason, 'reason');
  if ('error' in reason) errors.reason = t(LANG, reason.error);
  if (Object.keys(errors).length > 0) return requestForm(request, env, actor, dataset, { values, errors, status: 400 });
  if (await hasPendingRequest(env.DB, actor.id, dataset.id, resourceId)) {
    return requestForm(request, env, actor, dataset, { values, general: t(LANG, 'participation.access.error.duplicate'), status: 409 });
  }
  const limit = await hitRateLimits(env.DB, [{ key: `access-request:user:${actor.id}`, limit: REQUEST_LIMIT }]);
  if (!limit.allowed) {
    return requestForm(request, env, actor, dataset, { values, general: t(LANG, 'participation.error.rateLimited', { minutes: Math.ceil(limit.retryAfterSeconds / 60) }), status: 429 });
  }
  const id = await createAccessRequest(env, actor, dataset, resourceId, 'value' in reason ? reason.value : '');
  const user = (await findUserById(env.DB, actor.id))!;
  const resourceTitle = resourceId ? locked.find((r) => r.id === resourceId)!.title : null;
  await sendMails(env, accessRequestMails(env, {
    id, datasetTitle: dataset.title, resourceTitle, requesterName: `${user.first_name} ${user.last_name}`.trim() || user.username,
    requesterEmail: user.email, reason: 'value' in reason ? reason.value : '',
  }, await organizationManagerEmails(env.DB, dataset.organizationId)));
  return redirect(request, env, '/user/access-requests?done=sent');
}

function requestSummary(row: AccessRequestRow): Html {
  return html`<a href="/user/access-requests/${row.id}">${row.dataset_title}</a> — ${row.resource_title ?? t(LANG, 'participation.access.allResources')}`;
}

export async function accessRequestsHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const [mine, toDecide] = await Promise.all([requestsBy(env.DB, actor.id), requestsToDecide(env.DB, actor)]);
  const done = new URL(request.url).searchParams.get('done');
  const doneMessage = done === 'sent' ? t(LANG, 'participation.access.sent') : done === 'granted' ? t(LANG, 'participation.access.grantedDone') : done === 'refused' ? t(LANG, 'participation.access.refusedDone') : null;
  const title = t(LANG, 'participation.access.listTitle');
  const body = html`<h1>${title}</h1>
${doneMessage ? html`<p class="success" role="status">${doneMessage}</p>` : ''}
${toDecide.length > 0 || actor.memberships.some((m) => m.role !== 'member') || actor.isAdmin ? html`<section aria-labelledby="to-decide"><h2 id="to-decide">${t(LANG, 'participation.access.toDecide')}</h2>
${toDecide.length === 0 ? html`<p>${t(LANG, 'participation.access.noneToDecide')}</p>` : html`<table class="data-table"><thead><tr><th scope="col">${t(LANG, 'participation.access.request')}</th><th scope="col">${t(LANG, 'participation.access.requester')}</th><th scope="col">${t(LANG, 'participation.access.date')}</th></tr></thead>
<tbody>${toDecide.map((row) => html`<tr><td>${requestSummary(row)}</td><td>${row.requester_name || row.requester_username}</td><td>${formatDateTime(LANG, row.created_at)}</td></tr>`)}</tbody></table>`}</section>` : ''}
<section aria-labelledby="mine"><h2 id="mine">${t(LANG, 'participation.access.mine')}</h2>
${mine.length === 0 ? html`<p>${t(LANG, 'participation.access.noneMine')}</p>` : html`<table class="data-table"><thead><tr><th scope="col">${t(LANG, 'participation.access.request')}</th><th scope="col">${t(LANG, 'participation.access.state')}</th><th scope="col">${t(LANG, 'participation.access.date')}</th></tr></thead>
<tbody>${mine.map((row) => html`<tr><td>${requestSummary(row)}</td><td>${statusBadge(row.status)}</td><td>${formatDateTime(LANG, row.created_at)}</td></tr>`)}</tbody></table>`}</section>`;
  return pageResponse(request, env, { title, body });
}

async function detailPage(request: Request, env: Env, actor: SignedIn, row: AccessRequestRow, state: FormState = {}): Promise<Response> {
  const mayDecide = can(actor, { action: 'access-request:decide', dataset: requestDatasetFacts(row) });
  const title = t(LANG, 'participation.access.detailTitle', { dataset: row.dataset_title });
  const values = state.values ?? {};
  let decision: Html | '' = '';
  if (mayDecide && row.status === 'pending') {
    const organizations = await requesterOrganizations(env.DB, row.requester_id);
    const token = await csrfToken(request, env);
    const choices = [
      { value: 'user', label: t(LANG, 'participation.access.grantUser', { name: row.requester_name || row.requester_username }) },
      ...organizations.map((o) => ({ value: `organization:${o.id}`, label: t(LANG, 'participation.access.grantOrganization', { organization: o.legal_name }) })),
    ];
    decision = html`<section aria-labelledby="decide"><h2 id="decide">${t(LANG, 'participation.access.decide')}</h2>
<form method="post" action="/user/access-requests/${row.id}" class="form" novalidate>${csrfField(token)}
${selectField({ lang: LANG, name: 'grant_to', label: t(LANG, 'participation.access.grantTo'), value: values.grant_to ?? 'user', choices, error: state.errors?.grant_to, required: true })}
${textField({ lang: LANG, name: 'message', label: t(LANG, 'participation.access.message'), hint: t(LANG, 'participation.access.messageHint'), value: values.message, error: state.errors?.message, multiline: true })}
<div class="form-actions"><button type="submit" name="decision" value="grant" class="button">${t(LANG, 'participation.access.grant')}</button>
<button type="submit" name="decision" value="refuse" class="button button-secondary">${t(LANG, 'participation.access.refuse')}</button></div>
</form></section>`;
  }
  const body = html`<h1>${title}</h1>
${errorSummary(LANG, state.errors ?? {}, state.general)}
<dl class="facts">
<dt>${t(LANG, 'participation.access.dataset')}</dt><dd><a href="/dataset/${row.dataset_slug}">${row.dataset_title}</a> (${row.organization_name})</dd>
<dt>${t(LANG, 'participation.access.resource')}</dt><dd>${row.resource_title ?? t(LANG, 'participation.access.allResources')}</dd>
<dt>${t(LANG, 'participation.access.requester')}</dt><dd>${row.requester_name || row.requester_username}${mayDecide ? html` (${row.requester_email})` : ''}</dd>
<dt>${t(LANG, 'participation.access.date')}</dt><dd>${formatDateTime(LANG, row.created_at)}</dd>
<dt>${t(LANG, 'participation.access.state')}</dt><dd>${statusBadge(row.status)}${row.status === 'granted' ? html` — ${row.granted_to === 'organization' ? t(LANG, 'participation.access.grantedOrganization', { organization: row.granted_organization_name ?? '' }) : t(LANG, 'participation.access.grantedUser')}` : ''}</dd>
</dl>
<h2>${t(LANG, 'participation.access.reason')}</h2>
<blockquote class="request-message">${row.reason}</blockquote>
${row.decision_message ? html`<h2>${t(LANG, 'participation.access.decisionMessage')}</h2><blockquote class="request-message">${row.decision_message}</blockquote>` : ''}
${decision}
<p><a href="/user/access-requests">${t(LANG, 'participation.access.backToList')}</a></p>`;
  return pageResponse(request, env, { title, body, status: state.status });
}

/** The request, or the refusal: only its requester and those who may decide on its dataset read it. */
async function readableRequest(request: IRequest, env: Env, actor: SignedIn): Promise<AccessRequestRow | Response> {
  const row = await findAccessRequest(env.DB, request.params.requestId!);
  if (!row) return notFound(request, env);
  if (row.requester_id !== actor.id && !can(actor, { action: 'access-request:decide', dataset: requestDatasetFacts(row) })) {
    return forbiddenPage(request, env, t(LANG, 'participation.access.notYours'));
  }
  return row;
}

export async function accessRequestHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const row = await readableRequest(request, env, actor);
  if (row instanceof Response) return row;
  return detailPage(request, env, actor, row);
}

export async function decideAccessRequestHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const row = await findAccessRequest(env.DB, request.params.requestId!);
  if (!row) return notFound(request, env);
  if (!can(actor, { action: 'access-request:decide', dataset: requestDatasetFacts(row) })) {
    return forbiddenPage(request, env, t(LANG, 'participation.access.notYourOrganization'));
  }
  const form = await request.formData();
  const values = formValues(form);
  if (!csrfValid(request, form)) return detailPage(request, env, actor, row, { values, general: t(LANG, 'auth.csrf'), status: 403 });
  if (row.status !== 'pending') return detailPage(request, env, actor, row, { values, general: t(LANG, 'participation.access.error.decided'), status: 409 });
  const errors: FieldErrors = {};
  const grant = values.decision === 'grant';
  if (!grant && values.decision !== 'refuse') return detailPage(request, env, actor, row, { values, general: t(LANG, 'participation.access.error.noDecision'), status: 400 });
  const message = checkText(values.message, 'message', !grant);
  if ('error' in message) errors.message = t(LANG, grant ? message.error : 'participation.access.error.refuseMessage');
  let to: { to: 'user' } | { to: 'organization'; organizationId: string } = { to: 'user' };
  if (grant && values.grant_to?.startsWith('organization:')) {
    const organizationId = values.grant_to.slice('organization:'.length);
    // Only an organisation the requester belongs to: a grant never reaches a third party.
    if (!(await requesterOrganizations(env.DB, row.requester_id)).some((o) => o.id === organizationId)) errors.grant_to = t(LANG, 'participation.access.error.organization');
    to = { to: 'organization', organizationId };
  } else if (grant && values.grant_to !== 'user') {
    errors.grant_to = t(LANG, 'participation.access.error.organization');
  }
  if (Object.keys(errors).length > 0) return detailPage(request, env, actor, row, { values, errors, status: 400 });
  const text = 'value' in message ? message.value : '';
  const decided = await decideAccessRequest(env, actor, row, grant ? { grant: true, ...to } : { grant: false }, text);
  if (!decided) return detailPage(request, env, actor, row, { values, general: t(LANG, 'participation.access.error.decided'), status: 409 });
  await sendMails(env, [accessDecisionMail(env, {
    id: row.id, datasetTitle: row.dataset_title, datasetSlug: row.dataset_slug, resourceTitle: row.resource_title, requesterEmail: row.requester_email,
  }, grant, text)]);
  return redirect(request, env, `/user/access-requests?done=${grant ? 'granted' : 'refused'}`);
}
