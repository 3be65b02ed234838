// Report content (signaler) on a dataset, a resource or a réutilisation → the administrators' moderation queue
// (/admin/reports: hide, delete, dismiss, each audited) → every reporter of that content is told the outcome.
import type { IRequest } from 'itty-router';
import { checkText } from '../../domain/participation-rules';
import { can } from '../../domain/permissions';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { sendMails } from '../../mail/mailer';
import { reportOutcomeMail, reportReceivedMails } from '../../mail/templates/participation';
import { formatDateTime } from '../../render/dates';
import { csrfField, errorSummary, textField, type FieldErrors } from '../../render/forms';
import { html } from '../../render/html';
import {
  actionApplies, administratorEmails, createReport, findReport, findReportable, listReports, moderate, type ModerationAction, type ReportRow,
  type ReportTarget,
} from '../../store/participation-moderation';
import { hitRateLimits } from '../../store/rate-limit';
import { findUserById } from '../../store/users';
import { consoleNav } from '../admin/common';
import { csrfToken, csrfValid } from '../csrf';
import { forbiddenPage, formValues, LANG, pageResponse, redirect, requireUser } from '../pages';

const TARGETS: readonly ReportTarget[] = ['dataset', 'resource', 'showcase'];
const REPORT_LIMIT = { limit: 10, windowSeconds: 3600 };
const isTarget = (v: unknown): v is ReportTarget => TARGETS.includes(v as ReportTarget);

async function notFound(request: Request, env: Env): Promise<Response> {
  return pageResponse(request, env, { title: t(LANG, 'participation.report.notFound'), status: 404, body: html`<h1>${t(LANG, 'participation.report.notFound')}</h1>` });
}

async function reportForm(request: Request, env: Env, type: ReportTarget, id: string, title: string, state: { values?: Record<string, string>; errors?: FieldErrors; general?: string; status?: number } = {}): Promise<Response> {
  const heading = t(LANG, 'participation.report.title', { title });
  const body = html`<h1>${heading}</h1>
${errorSummary(LANG, state.errors ?? {}, state.general)}
<p>${t(LANG, 'participation.report.intro')}</p>
<form method="post" action="/user/reports/new" class="form" novalidate>${csrfField(await csrfToken(request, env))}
<input type="hidden" name="type" value="${type}"><input type="hidden" name="id" value="${id}">
${textField({ lang: LANG, name: 'reason', label: t(LANG, 'participation.report.reason'), hint: t(LANG, 'participation.report.reasonHint'), value: state.values?.reason, error: state.errors?.reason, required: true, multiline: true })}
<div class="form-actions"><button type="submit" class="button">${t(LANG, 'participation.report.submit')}</button></div>
</form>`;
  return pageResponse(request, env, { title: heading, body, status: state.status });
}

export async function newReportHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const url = new URL(request.url);
  const type = url.searchParams.get('type');
  const object = isTarget(type) ? await findReportable(env.DB, type, url.searchParams.get('id') ?? '') : null;
  if (!object) return notFound(request, env);
  return reportForm(request, env, object.type, object.id, object.title);
}

export async function createReportHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  const values = formValues(form);
  const object = isTarget(values.type) ? await findReportable(env.DB, values.type, values.id ?? '') : null;
  if (!object) return notFound(request, env);
  if (!csrfValid(request, form)) return reportForm(request, env, object.type, object.id, object.title, { values, general: t(LANG, 'auth.csrf'), status: 403 });
  const reason = checkText(values.reason, 'reason');
  if ('error' in reason) return reportForm(request, env, object.type, object.id, object.title, { values, errors: { reason: t(LANG, reason.error) }, status: 400 });
  const limit = await hitRateLimits(env.DB, [{ key: `report:user:${actor.id}`, limit: REPORT_LIMIT }]);
  if (!limit.allowed) {
    return reportForm(request, env, object.type, object.id, object.title, { values, general: t(LANG, 'participation.error.rateLimited', { minutes: Math.ceil(limit.retryAfterSeconds / 60) }), status: 429 });
  }
  const user = (await findUserById(env.DB, actor.id))!;
  await createReport(env.DB, actor, user.email, object, reason.value);
  await sendMails(env, reportReceivedMails(env, await administratorEmails(env.DB), { title: object.title, reason: reason.value }));
  const title = t(LANG, 'participation.report.sentTitle');
  return pageResponse(request, env, { title, body: html`<h1>${title}</h1><p class="success" role="status">${t(LANG, 'participation.report.sent')}</p><p><a href="${object.path}">${t(LANG, 'participation.report.back')}</a></p>` });
}

const ACTIONS: readonly ModerationAction[] = ['hide', 'delete', 'dismiss'];

function reportCard(row: ReportRow, token: string) {
  return html`<li class="card request-card" id="report-${row.id}">
<h3 class="card-title">${t(LANG, `participation.report.type.${row.object_type}`)} : ${row.object_title}</h3>
<p class="card-meta">${t(LANG, 'participation.report.by', { email: row.reporter_email })} · ${formatDateTime(LANG, row.created_at)}</p>
<blockquote class="request-message">${row.reason}</blockquote>
<form method="post" action="/admin/reports/${row.id}" class="decision-form">${csrfField(token)}
<div class="field"><label for="message-${row.id}">${t(LANG, 'participation.report.message')} <span class="muted">${t(LANG, 'form.optional')}</span></label>
<textarea id="message-${row.id}" name="message" rows="2"></textarea></div>
<div class="form-actions">${ACTIONS.filter((a) => actionApplies(row.object_type, a)).map((a) => html`<button type="submit" name="action" value="${a}" class="button${a === 'dismiss' ? ' button-secondary' : a === 'delete' ? ' button-danger' : ''}">${t(LANG, `participation.report.action.${a}`)}</button> `)}</div>
</form></li>`;
}

async function queuePage(request: Request, env: Env, error?: string, status?: number): Promise<Response> {
  const { open, closed } = await listReports(env.DB);
  const token = await csrfToken(request, env);
  const done = new URL(request.url).searchParams.get('done');
  const title = t(LANG, 'participation.report.queueTitle');
  const body = html`<h1>${title}</h1>
${consoleNav('reports')}
${done ? html`<p class="success" role="status">${t(LANG, 'participation.report.decided')}</p>` : ''}
${errorSummary(LANG, {}, error)}
<h2>${t(LANG, 'participation.report.open')}</h2>
${open.length === 0 ? html`<p>${t(LANG, 'participation.report.noneOpen')}</p>` : html`<ul class="cards">${open.map((r) => reportCard(r, token))}</ul>`}
<h2>${t(LANG, 'participation.report.closed')}</h2>
${closed.length === 0 ? html`<p>${t(LANG, 'participation.report.noneClosed')}</p>` : html`<table class="data-table"><thead><tr><th scope="col">${t(LANG, 'participation.report.content')}</th><th scope="col">${t(LANG, 'participation.access.state')}</th><th scope="col">${t(LANG, 'participation.access.date')}</th></tr></thead>
<tbody>${closed.map((r) => html`<tr><td>${r.object_title}</td><td><span class="badge status-${r.status}">${t(LANG, `participation.report.status.${r.status as 'hidden' | 'deleted' | 'dismissed'}`)}</span></td><td>${formatDateTime(LANG, r.decided_at ?? r.created_at)}</td></tr>`)}</tbody></table>`}`;
  return pageResponse(request, env, { title, body, status });
}

async function requireModerator(request: Request, env: Env) {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  return can(actor, { action: 'content:moderate' }) ? actor : forbiddenPage(request, env);
}

export async function reportsQueueHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireModerator(request, env);
  if (actor instanceof Response) return actor;
  return queuePage(request, env);
}

export async function moderateHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireModerator(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  if (!csrfValid(request, form)) return queuePage(request, env, t(LANG, 'auth.csrf'), 403);
  const report = await findReport(env.DB, request.params.reportId!);
  if (!report) return notFound(request, env);
  if (report.status !== 'open') return queuePage(request, env, t(LANG, 'participation.report.alreadyDecided'), 409);
  const values = formValues(form);
  const action = ACTIONS.find((a) => a === values.action);
  if (!action || !actionApplies(report.object_type, action)) return queuePage(request, env, t(LANG, 'participation.report.badAction'), 400);
  const message = checkText(values.message, 'message', false);
  if ('error' in message) return queuePage(request, env, t(LANG, message.error), 400);
  const reporters = await moderate(env, actor, report, action, message.value);
  const outcome = action === 'hide' ? 'hidden' : action === 'delete' ? 'deleted' : 'dismissed';
  await sendMails(env, reporters.map((r) => reportOutcomeMail(r.email, { title: r.title }, outcome, message.value)));
  return redirect(request, env, '/admin/reports?done=1');
}
