// Ask for missing data: a form open to everyone (honeypot, rate limit per address) → the administrators' inbox
// (/admin/data-requests) with a status (reçue, transmise au producteur, close) → the reply mailed to the requester.
import type { IRequest } from 'itty-router';
import { checkText, filledHoneypot, HONEYPOT_FIELD } from '../../domain/participation-rules';
import { can } from '../../domain/permissions';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { sendMails } from '../../mail/mailer';
import { dataRequestMails, dataRequestReplyMail } from '../../mail/templates/participation';
import { formatDateTime } from '../../render/dates';
import { csrfField, errorSummary, textField, type FieldErrors } from '../../render/forms';
import { html } from '../../render/html';
import { auditStatement } from '../../store/audit';
import { administratorEmails } from '../../store/participation-moderation';
import { hitRateLimits } from '../../store/rate-limit';
import { clientIp } from '../account/limits';
import { requestContext } from '../actor';
import { consoleNav } from '../admin/common';
import { csrfToken, csrfValid } from '../csrf';
import { forbiddenPage, formValues, LANG, pageResponse, redirect, requireUser } from '../pages';
import { senderIdentity } from './sender';

const LIMIT = { limit: 3, windowSeconds: 3600 };
const STATUSES = ['received', 'forwarded', 'closed'] as const;
type Status = (typeof STATUSES)[number];

interface State { values?: Record<string, string>; errors?: FieldErrors; general?: string; status?: number; sent?: boolean }

async function requestPage(request: Request, env: Env, state: State = {}): Promise<Response> {
  const { actor } = await requestContext(request, env);
  const title = t(LANG, 'participation.dataRequest.title');
  const values = state.values ?? {};
  const body = state.sent
    ? html`<h1>${title}</h1><p class="success" role="status">${t(LANG, 'participation.dataRequest.sent')}</p><p><a href="/dataset">${t(LANG, 'participation.backToCatalogue')}</a></p>`
    : html`<h1>${title}</h1>
${errorSummary(LANG, state.errors ?? {}, state.general)}
<p>${t(LANG, 'participation.dataRequest.intro')}</p>
<form method="post" action="/user/data-requests/new" class="form" novalidate>${csrfField(await csrfToken(request, env))}
${actor.kind === 'user' ? '' : html`${textField({ lang: LANG, name: 'name', label: t(LANG, 'participation.contact.name'), value: values.name, error: state.errors?.name, required: true, autocomplete: 'name' })}
${textField({ lang: LANG, name: 'email', type: 'email', label: t(LANG, 'participation.contact.email'), hint: t(LANG, 'participation.dataRequest.emailHint'), value: values.email, error: state.errors?.email, required: true, autocomplete: 'email' })}`}
${textField({ lang: LANG, name: 'title', label: t(LANG, 'participation.dataRequest.what'), hint: t(LANG, 'participation.dataRequest.whatHint'), value: values.title, error: state.errors?.title, required: true })}
${textField({ lang: LANG, name: 'description', label: t(LANG, 'participation.dataRequest.description'), hint: t(LANG, 'participation.dataRequest.descriptionHint'), value: values.description, error: state.errors?.description, required: true, multiline: true })}
<div class="honeypot" aria-hidden="true"><label for="field-${HONEYPOT_FIELD}">${t(LANG, 'participation.honeypot')}</label><input type="text" id="field-${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>
<div class="form-actions"><button type="submit" class="button">${t(LANG, 'participation.dataRequest.submit')}</button></div>
</form>`;
  return pageResponse(request, env, { title, body, status: state.status });
}

export async function dataRequestFormHandler(request: IRequest, env: Env): Promise<Response> {
  return requestPage(request, env);
}

export async function createDataRequestHandler(request: IRequest, env: Env): Promise<Response> {
  const form = await request.formData();
  const values = formValues(form);
  if (!csrfValid(request, form)) return requestPage(request, env, { values, general: t(LANG, 'auth.csrf'), status: 403 });
  if (filledHoneypot(values)) return requestPage(request, env, { values, general: t(LANG, 'participation.error.spam'), status: 400 });
  const { actor } = await requestContext(request, env);
  const errors: FieldErrors = {};
  const { name, email } = await senderIdentity(env, actor, values, errors);
  const title = checkText(values.title, 'title');
  if ('error' in title) errors.title = t(LANG, title.error);
  const description = checkText(values.description, 'message');
  if ('error' in description) errors.description = t(LANG, description.error);
  if (Object.keys(errors).length > 0 || 'error' in title || 'error' in description) return requestPage(request, env, { values, errors, status: 400 });
  const limit = await hitRateLimits(env.DB, [{ key: `data-request:ip:${clientIp(request)}`, limit: LIMIT }]);
  if (!limit.allowed) return requestPage(request, env, { values, general: t(LANG, 'participation.error.rateLimited', { minutes: Math.ceil(limit.retryAfterSeconds / 60) }), status: 429 });
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  await env.DB.batch([
    env.DB.prepare('INSERT INTO data_requests (id, user_id, name, email, title, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .bind(id, actor.kind === 'user' ? actor.id : null, name, email, title.value, description.value, now, now),
    auditStatement(env.DB, actor, 'data-request.create', { type: 'data_request', id }),
  ]);
  await sendMails(env, dataRequestMails(env, await administratorEmails(env.DB), { title: title.value, name, email, description: description.value }));
  return requestPage(request, env, { sent: true });
}

interface DataRequestRow { id: string; name: string; email: string; title: string; description: string; status: Status; reply: string | null; created_at: string }

async function inboxPage(request: Request, env: Env, error?: string, status?: number): Promise<Response> {
  const rows = (await env.DB.prepare("SELECT * FROM data_requests ORDER BY status = 'closed', created_at DESC LIMIT 300").all<DataRequestRow>()).results;
  const token = await csrfToken(request, env);
  const title = t(LANG, 'participation.dataRequest.inboxTitle');
  const done = new URL(request.url).searchParams.get('done');
  const body = html`<h1>${title}</h1>
${consoleNav('dataRequests')}
${done ? html`<p class="success" role="status">${t(LANG, 'participation.dataRequest.saved')}</p>` : ''}
${errorSummary(LANG, {}, error)}
${rows.length === 0 ? html`<p>${t(LANG, 'participation.dataRequest.none')}</p>` : html`<ul class="cards">${rows.map((r) => html`<li class="card request-card" id="data-request-${r.id}">
<h2 class="card-title">${r.title} <span class="badge status-${r.status}">${t(LANG, `participation.dataRequest.status.${r.status}`)}</span></h2>
<p class="card-meta">${r.name} (${r.email}) · ${formatDateTime(LANG, r.created_at)}</p>
<blockquote class="request-message">${r.description}</blockquote>
${r.reply ? html`<p><strong>${t(LANG, 'participation.dataRequest.lastReply')}</strong></p><blockquote class="request-message">${r.reply}</blockquote>` : ''}
<form method="post" action="/admin/data-requests/${r.id}" class="decision-form">${csrfField(token)}
<div class="field"><label for="status-${r.id}">${t(LANG, 'participation.dataRequest.statusLabel')}</label>
<select id="status-${r.id}" name="status">${STATUSES.map((s) => html`<option value="${s}"${s === r.status ? html` selected` : ''}>${t(LANG, `participation.dataRequest.status.${s}`)}</option>`)}</select></div>
<div class="field"><label for="reply-${r.id}">${t(LANG, 'participation.dataRequest.reply')} <span class="muted">${t(LANG, 'form.optional')}</span></label>
<textarea id="reply-${r.id}" name="reply" rows="3"></textarea></div>
<div class="form-actions"><button type="submit" class="button">${t(LANG, 'participation.dataRequest.save')}</button></div>
</form></li>`)}</ul>`}`;
  return pageResponse(request, env, { title, body, status });
}

async function requireModerator(request: Request, env: Env) {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  return can(actor, { action: 'content:moderate' }) ? actor : forbiddenPage(request, env);
}

export async function dataRequestsInboxHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireModerator(request, env);
  if (actor instanceof Response) return actor;
  return inboxPage(request, env);
}

export async function updateDataRequestHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireModerator(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  if (!csrfValid(request, form)) return inboxPage(request, env, t(LANG, 'auth.csrf'), 403);
  const values = formValues(form);
  const row = await env.DB.prepare('SELECT * FROM data_requests WHERE id = ?').bind(request.params.requestId!).first<DataRequestRow>();
  if (!row) return inboxPage(request, env, t(LANG, 'participation.dataRequest.notFound'), 404);
  const status = STATUSES.find((s) => s === values.status);
  if (!status) return inboxPage(request, env, t(LANG, 'participation.dataRequest.badStatus'), 400);
  const reply = checkText(values.reply, 'message', false);
  if ('error' in reply) return inboxPage(request, env, t(LANG, reply.error), 400);
  await env.DB.batch([
    env.DB.prepare('UPDATE data_requests SET status = ?, reply = COALESCE(?, reply), updated_at = ? WHERE id = ?').bind(status, reply.value || null, new Date().toISOString(), row.id),
    auditStatement(env.DB, actor, 'data-request.update', { type: 'data_request', id: row.id }, { status, replied: reply.value !== '' }),
  ]);
  if (reply.value) await sendMails(env, [dataRequestReplyMail(row.email, { title: row.title, status }, reply.value)]);
  return redirect(request, env, '/admin/data-requests?done=1');
}
