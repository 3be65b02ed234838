// The validation queue: référents see membership and contributeur requests of their organisations,
// administrators everything (référent and organisation requests, and organisations without référent).
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { formatDateTime } from '../../render/dates';
import { csrfField, errorSummary } from '../../render/forms';
import { html } from '../../render/html';
import { decideRequest, pendingRequestsFor, type RequestRow } from '../../store/role-requests';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse, redirect, requireUser, type SignedIn } from '../pages';

function requestCard(row: RequestRow, token: string) {
  const name = `${row.first_name} ${row.last_name}`.trim() || row.username;
  return html`<li class="card request-card" id="request-${row.id}">
<h2 class="card-title">${t(LANG, 'roles.queue.cardTitle', { request: t(LANG, `roles.kind.${row.kind}`), organization: row.legal_name })}</h2>
<p class="card-meta">${t(LANG, 'roles.queue.by', { name, username: row.username, email: row.email })} · ${formatDateTime(LANG, row.created_at)}</p>
${row.kind === 'organization' ? html`<p class="badge">${t(LANG, 'roles.queue.newOrganization')}</p>` : ''}
${row.message ? html`<blockquote class="request-message">${row.message}</blockquote>` : ''}
<form method="post" action="/user/validation/${row.id}" class="decision-form">${csrfField(token)}
  <div class="field"><label for="note-${row.id}">${t(LANG, 'roles.queue.note')} <span class="muted">${t(LANG, 'form.optional')}</span></label>
  <textarea id="note-${row.id}" name="note" rows="2"></textarea></div>
  <div class="form-actions">
    <button type="submit" name="decision" value="accept" class="button">${t(LANG, 'roles.queue.accept')}</button>
    <button type="submit" name="decision" value="refuse" class="button button-secondary">${t(LANG, 'roles.queue.refuse')}</button>
  </div>
</form>
</li>`;
}

async function validationPage(request: Request, env: Env, actor: SignedIn, error?: string, status?: number): Promise<Response> {
  const token = await csrfToken(request, env);
  const pending = await pendingRequestsFor(env.DB, actor);
  const done = new URL(request.url).searchParams.get('done');
  const body = html`<h1>${t(LANG, 'roles.queue.title')}</h1>
${done ? html`<p class="success" role="status">${t(LANG, done === 'accepted' ? 'roles.queue.accepted' : 'roles.queue.refused')}</p>` : ''}
${errorSummary(LANG, {}, error)}
${pending.length === 0 ? html`<p>${t(LANG, 'roles.queue.empty')}</p>` : html`<ul class="cards">${pending.map((row) => requestCard(row, token))}</ul>`}`;
  return pageResponse(request, env, { title: t(LANG, 'roles.queue.title'), body, status });
}

export async function validationQueueHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  return validationPage(request, env, actor);
}

export async function decideHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  if (!csrfValid(request, form)) return validationPage(request, env, actor, t(LANG, 'auth.csrf'), 403);
  const { decision, note = '' } = formValues(form);
  if (decision !== 'accept' && decision !== 'refuse') return validationPage(request, env, actor, t(LANG, 'roles.queue.noDecision'), 400);
  const result = await decideRequest(env, actor, request.params.requestId!, decision === 'accept', note.trim());
  if (!result.ok) return validationPage(request, env, actor, t(LANG, result.problem), result.problem === 'auth.forbidden' ? 403 : 409);
  return redirect(request, env, `/user/validation?done=${decision === 'accept' ? 'accepted' : 'refused'}`);
}
