// Versions (list and restore), deletion, and "Mes synchronisations" (every synchronised resource the user manages).
import type { IRequest } from 'itty-router';
import { can } from '../../domain/permissions';
import { nextSlot } from '../../domain/sync-schedule';
import type { SyncFrequency } from '../../domain/vocabulary';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { sendMails } from '../../mail/mailer';
import { resourceChangedMails } from '../../mail/templates/resources';
import { formatDateTime } from '../../render/dates';
import { csrfField, errorSummary } from '../../render/forms';
import { html } from '../../render/html';
import { listVersions, restoreVersion } from '../../store/resource-catalogue';
import { actorName, removeResource } from '../../store/resource-publishing';
import { organizationReferentEmails } from '../../store/datasets';
import { formatSize } from '../../store/resource-sources';
import { csrfToken, csrfValid } from '../csrf';
import { LANG, pageResponse, redirect, requireUser } from '../pages';
import { manageContext, resourcePath, type ManageContext } from './resource-context';

async function versionsPage(request: Request, env: Env, context: ManageContext, error?: string, status?: number): Promise<Response> {
  const { dataset } = context;
  const resource = context.resource!;
  const token = await csrfToken(request, env);
  const versions = await listVersions(env.DB, resource.id);
  const restored = new URL(request.url).searchParams.get('restored');
  const title = t(LANG, 'resources.versions.title', { title: resource.title });
  const body = html`<p><a href="${resourcePath(dataset.id, resource.id, 'edit')}">${resource.title}</a></p>
<h1>${title}</h1>
<p class="muted">${t(LANG, 'resources.versions.intro')}</p>
${restored ? html`<p class="success" role="status">${t(LANG, 'resources.versions.restored', { date: formatDateTime(LANG, restored) })}</p>` : ''}
${errorSummary(LANG, {}, error)}
${versions.length === 0 ? html`<p>${t(LANG, 'resources.versions.none')}</p>` : html`<table class="data-table resource-versions">
<thead><tr><th scope="col">${t(LANG, 'resources.versions.date')}</th><th scope="col">${t(LANG, 'resources.versions.file')}</th><th scope="col">${t(LANG, 'resources.versions.size')}</th>
<th scope="col">${t(LANG, 'resources.versions.hash')}</th><th scope="col">${t(LANG, 'resources.versions.state')}</th></tr></thead>
<tbody>${versions.map((v) => html`<tr><td>${formatDateTime(LANG, v.createdAt)}</td><td>${v.fileName}</td><td>${formatSize(v.sizeBytes)}</td>
<td><code title="${v.sha256}">${v.sha256.slice(0, 12)}…</code></td>
<td>${v.fileKey === resource.fileKey ? html`<strong>${t(LANG, 'resources.versions.current')}</strong>`
    : html`<form method="post" action="${resourcePath(dataset.id, resource.id, 'versions')}" class="inline-form">${csrfField(token)}
<input type="hidden" name="version" value="${v.id}"><button type="submit" class="link-button">${t(LANG, 'resources.versions.restore')}</button></form>`}</td></tr>`)}</tbody></table>`}`;
  return pageResponse(request, env, { title, body, status, section: 'datasets' });
}

export async function versionsHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await manageContext(request, env, { resource: true });
  if (context instanceof Response) return context;
  return versionsPage(request, env, context);
}

export async function restoreVersionHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await manageContext(request, env, { resource: true });
  if (context instanceof Response) return context;
  const form = await request.formData();
  if (!csrfValid(request, form)) return versionsPage(request, env, context, t(LANG, 'auth.csrf'), 403);
  const version = (await listVersions(env.DB, context.resource!.id)).find((v) => v.id === form.get('version'));
  if (!version) return versionsPage(request, env, context, t(LANG, 'resources.versions.unknown'), 400);
  await restoreVersion(env, context.actor, context.dataset, context.resource!, version, new Date());
  await mailChange(env, context, 'updated');
  return redirect(request, env, `${resourcePath(context.dataset.id, context.resource!.id, 'versions')}?restored=${encodeURIComponent(version.createdAt)}`);
}

async function mailChange(env: Env, context: ManageContext, event: 'updated'): Promise<void> {
  const { dataset, resource, actor } = context;
  await sendMails(env, resourceChangedMails(env, event, {
    datasetId: dataset.id, datasetTitle: dataset.title, organizationName: dataset.organizationName, resourceId: resource!.id, resourceTitle: resource!.title,
  }, actorName(actor), await organizationReferentEmails(env.DB, dataset.organizationId)));
}

async function deletePage(request: Request, env: Env, context: ManageContext, error?: string, status?: number): Promise<Response> {
  const { dataset } = context;
  const resource = context.resource!;
  const token = await csrfToken(request, env);
  const count = (await listVersions(env.DB, resource.id)).length;
  const title = t(LANG, 'resources.delete.title', { title: resource.title });
  const body = html`<h1>${title}</h1>
${errorSummary(LANG, {}, error)}
<p class="resource-warning">${t(LANG, 'resources.delete.warning', { count })}</p>
<form method="post" action="${resourcePath(dataset.id, resource.id, 'delete')}" class="form-actions">${csrfField(token)}
<button type="submit" class="button button-danger">${t(LANG, 'resources.delete.submit')}</button>
<a href="${resourcePath(dataset.id, resource.id, 'edit')}" class="button button-secondary">${t(LANG, 'resources.delete.cancel')}</a>
</form>`;
  return pageResponse(request, env, { title, body, status, section: 'datasets' });
}

export async function deleteFormHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await manageContext(request, env, { resource: true });
  if (context instanceof Response) return context;
  return deletePage(request, env, context);
}

export async function deleteHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await manageContext(request, env, { resource: true });
  if (context instanceof Response) return context;
  const form = await request.formData();
  if (!csrfValid(request, form)) return deletePage(request, env, context, t(LANG, 'auth.csrf'), 403);
  await removeResource(env, context.actor, context.dataset, context.resource!);
  return redirect(request, env, `/user/datasets/${context.dataset.id}/edit?resource-deleted=${encodeURIComponent(context.resource!.title)}`);
}

// ---- Mes synchronisations -----------------------------------------------------------------------------------------

interface SyncRow {
  id: string; title: string; dataset_id: string; dataset_title: string; organization_id: string; published: number; creator_user_id: string | null;
  sync_frequency: SyncFrequency; source_mode: string; started_at: string | null; result: 'updated' | 'unchanged' | 'failed' | null; error: string | null;
}

export async function syncsHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  // Candidates: synchronised resources of the organisations where the user has a role (all of them for administrators);
  // can() then keeps those the user manages.
  const organizations = actor.isAdmin ? null : [...new Set(actor.memberships.map((m) => m.organizationId))];
  const filter = organizations === null ? '' : `AND d.organization_id IN (${organizations.map(() => '?').join(',') || "''"})`;
  const rows = await env.DB.prepare(
    `SELECT r.id, r.title, d.id AS dataset_id, d.title AS dataset_title, d.organization_id, d.published, d.creator_user_id,
            r.sync_frequency, r.source_mode, run.started_at, run.result, run.error
     FROM resources r JOIN datasets d ON d.id = r.dataset_id
     LEFT JOIN resource_sync_runs run ON run.id = (SELECT MAX(id) FROM resource_sync_runs WHERE resource_id = r.id)
     WHERE r.source_mode IN ('url_download', 'sftp') ${filter}
     ORDER BY (run.result = 'failed') DESC, d.title, r.title`,
  ).bind(...(organizations ?? [])).all<SyncRow>();
  const mine = rows.results.filter((r) => can(actor, { action: 'dataset:edit', dataset: { organizationId: r.organization_id, published: r.published === 1, creatorUserId: r.creator_user_id } }));
  const now = new Date();
  const title = t(LANG, 'resources.syncs.title');
  const body = html`<h1>${title}</h1>
<p class="muted">${t(LANG, 'resources.syncs.intro')}</p>
${mine.length === 0 ? html`<p>${t(LANG, 'resources.syncs.none')}</p>` : html`<table class="data-table sync-table">
<thead><tr><th scope="col">${t(LANG, 'resources.syncs.resource')}</th><th scope="col">${t(LANG, 'resources.syncs.dataset')}</th><th scope="col">${t(LANG, 'resources.syncs.frequency')}</th>
<th scope="col">${t(LANG, 'resources.syncs.lastRun')}</th><th scope="col">${t(LANG, 'resources.syncs.result')}</th><th scope="col">${t(LANG, 'resources.syncs.next')}</th></tr></thead>
<tbody>${mine.map((r) => {
    const next = nextSlot(r.sync_frequency, now);
    return html`<tr class="${r.result === 'failed' ? 'sync-failed' : ''}"><td><a href="${resourcePath(r.dataset_id, r.id, 'edit')}">${r.title}</a></td><td>${r.dataset_title}</td>
<td>${t(LANG, `resources.sync.${r.sync_frequency}`)}</td>
<td>${r.started_at ? formatDateTime(LANG, r.started_at) : t(LANG, 'resources.syncs.never')}</td>
<td>${r.result ? html`<span class="sync-result sync-result-${r.result}">${t(LANG, `resources.syncs.result.${r.result}`)}</span>` : ''}${r.error ? html`<p class="field-error">${r.error}</p>` : ''}</td>
<td>${next ? formatDateTime(LANG, next.toISOString()) : '—'}</td></tr>`;
  })}</tbody></table>`}`;
  return pageResponse(request, env, { title, body, section: 'account' });
}
