// The contributor dashboard (/user/datasets): the datasets I created and those of my organisations, with what I may
// do on each as can() decides; and the keyword suggestions the dataset form asks for (/api/keywords).
import type { IRequest } from 'itty-router';
import { can } from '../../domain/permissions';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { formatDate } from '../../render/dates';
import { html } from '../../render/html';
import { dashboardDatasets, datasetFacts, suggestKeywords, type DashboardDataset } from '../../store/datasets';
import { resolveActor } from '../actor';
import { LANG, pageResponse, requireUser, type SignedIn } from '../pages';
import { json, problem } from '../respond';
import { publishingOrganizations } from './dataset-access';

function datasetTable(actor: SignedIn, caption: string, datasets: readonly DashboardDataset[]) {
  const link = (href: string, action: 'view' | 'edit' | 'addResource' | 'delete', title: string) =>
    html`<li><a href="${href}" aria-label="${t(LANG, `datasetDashboard.${action}For`, { title })}">${t(LANG, `datasetDashboard.${action}`)}</a></li>`;
  return html`<table class="data-table dashboard-table"><caption class="sr-only">${caption}</caption>
<thead><tr><th scope="col">${t(LANG, 'datasetDashboard.dataset')}</th><th scope="col">${t(LANG, 'datasetDashboard.organization')}</th><th scope="col">${t(LANG, 'datasetDashboard.state')}</th><th scope="col">${t(LANG, 'datasetDashboard.modified')}</th><th scope="col">${t(LANG, 'datasetDashboard.resources')}</th><th scope="col">${t(LANG, 'datasetDashboard.actions')}</th></tr></thead>
<tbody>${datasets.map((d) => {
    const facts = datasetFacts(d);
    const editable = can(actor, { action: 'dataset:edit', dataset: facts });
    return html`<tr data-dataset="${d.id}"><th scope="row">${d.title}</th><td>${d.organizationName}</td>
<td><span class="badge${d.published ? ' badge-published' : ''}">${t(LANG, d.published ? 'datasetDashboard.published' : 'datasetDashboard.draft')}</span></td>
<td>${formatDate(LANG, d.dateModified)}</td><td>${d.resourceCount}</td>
<td><ul class="action-list">
${d.published ? link(`/dataset/${d.slug}`, 'view', d.title) : ''}
${editable ? link(`/user/datasets/${d.id}/edit`, 'edit', d.title) : ''}
${editable ? link(`/user/datasets/${d.id}/resources/new`, 'addResource', d.title) : ''}
${can(actor, { action: 'dataset:delete', dataset: facts }) ? link(`/user/datasets/${d.id}/delete`, 'delete', d.title) : ''}
</ul></td></tr>`;
  })}</tbody></table>`;
}

export async function dashboardHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const organizations = await publishingOrganizations(env, actor);
  // An administrator publishes anywhere but the dashboard lists the organisations they belong to, not the whole portal.
  const memberOf = new Set(actor.memberships.map((m) => m.organizationId));
  const datasets = (await dashboardDatasets(env.DB, actor.id, organizations.filter((o) => memberOf.has(o.id)).map((o) => o.id)))
    .filter((d) => can(actor, { action: 'dataset:view', dataset: datasetFacts(d) }));
  const mine = datasets.filter((d) => d.creatorUserId === actor.id);
  const others = datasets.filter((d) => d.creatorUserId !== actor.id);
  const deleted = new URL(request.url).searchParams.get('done') === 'deleted';

  const body = html`<h1>${t(LANG, 'datasetDashboard.title')}</h1>
${deleted ? html`<p class="success" role="status">${t(LANG, 'datasetDelete.done')}</p>` : ''}
<p class="lead">${t(LANG, 'datasetDashboard.intro')}</p>
${organizations.length > 0
    ? html`<p class="form-actions"><a class="button" href="/user/datasets/new">${t(LANG, 'datasetDashboard.new')}</a> <a href="/user/syncs">${t(LANG, 'datasetDashboard.syncs')}</a></p>`
    : html`<p>${t(LANG, 'datasetForm.noOrganization')} <a href="/user/organizations">${t(LANG, 'roles.mine.title')}</a></p>`}
<section aria-labelledby="mine-title">
<h2 id="mine-title">${t(LANG, 'datasetDashboard.mine')}</h2>
${mine.length === 0 ? html`<p>${t(LANG, 'datasetDashboard.noneMine')}</p>` : datasetTable(actor, t(LANG, 'datasetDashboard.mine'), mine)}
</section>
<section aria-labelledby="organizations-title">
<h2 id="organizations-title">${t(LANG, 'datasetDashboard.organizations')}</h2>
${others.length === 0 ? html`<p>${t(LANG, 'datasetDashboard.noneOrganizations')}</p>` : datasetTable(actor, t(LANG, 'datasetDashboard.organizations'), others)}
</section>`;
  return pageResponse(request, env, { title: t(LANG, 'datasetDashboard.title'), body });
}

/** GET /api/keywords?q=… → [{ name, count }]: existing keywords, those starting with the text first. */
export async function keywordsHandler(request: IRequest, env: Env): Promise<Response> {
  const query = (new URL(request.url).searchParams.get('q') ?? '').trim().slice(0, 100);
  if (!query) return problem(400, t(LANG, 'api.keywordsQuery'));
  const actor = await resolveActor(request, env);
  // Drafts' keywords are proposed only to those who may see the drafts: contributors of their organisation.
  const organizationIds = actor.kind === 'user' ? (await publishingOrganizations(env, actor)).map((o) => o.id) : [];
  const keywords = await suggestKeywords(env.DB, query, organizationIds);
  return json(keywords, { headers: { 'cache-control': 'private, max-age=60' } });
}
