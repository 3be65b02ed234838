// The resource page with the data explorer: GET /dataset/{datasetIdOrSlug}/resource/{resourceId} (CKAN's URL).
// Rendered by the Worker, not the static build: what it shows depends on who asks (can() on the rows, the
// "save as default view" button for the dataset's contributors) and on the datastore's live state. The explorer
// itself is the island bundled from site/scripts/explorer/ (scripts/bundle-islands.ts), fed by the JSON below.
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { can } from '../../domain/permissions';
import { TABLES, t } from '../../i18n';
import { formatDate } from '../../render/dates';
import { html, raw } from '../../render/html';
import { readEntry } from '../../store/datastore';
import { findResourcePage, readView } from '../../store/datastore-views';
import { resourceDownloadPath } from '../../store/files';
import { resolveActor } from '../actor';
import { csrfToken } from '../csrf';
import { LANG, pageResponse } from '../pages';

/** Strings the island needs, in the page's language (the one i18n table, no second copy in the bundle). */
const ISLAND_PREFIXES = ['datastore.explorer.', 'datastore.chart.', 'datastore.type.'];
export const islandStrings = (): Record<string, string> =>
  Object.fromEntries(Object.entries(TABLES[LANG]).filter(([key]) => ISLAND_PREFIXES.some((p) => key.startsWith(p))));

export const jsonForScript = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

export interface ExplorerConfig {
  resourceId: string;
  rowCount: number;
  fields: Array<{ id: string; label: string; type: string }>;
  view: unknown;
  /** Present when the visitor may save the default view. */
  csrf: string | null;
  strings: Record<string, string>;
}

export async function resourcePageHandler(request: IRequest, env: Env): Promise<Response> {
  const { datasetId = '', resourceId = '' } = request.params;
  const resource = await findResourcePage(env.DB, datasetId, resourceId);
  const actor = await resolveActor(request, env);
  if (!resource || !can(actor, { action: 'dataset:view', dataset: resource.dataset })) {
    const title = t(LANG, 'datastore.page.notFound');
    return pageResponse(request, env, { title, status: 404, section: 'datasets', body: html`<h1>${title}</h1>` });
  }
  const readable = can(actor, { action: 'resource:download', resource: resource.facts });
  const entry = readable ? await readEntry(env.DATASTORE, resource.id) : null;
  const queryable = entry?.tableName ? entry : null;
  const editor = actor.kind === 'user' && !actor.readOnly && can(actor, { action: 'dataset:edit', dataset: resource.dataset });
  const title = t(LANG, 'datastore.page.title', { title: resource.title });
  const datasetPath = `/dataset/${resource.datasetSlug}`;

  let explorer;
  if (!readable) {
    explorer = html`<p class="notice notice-lock">${t(LANG, 'datastore.page.restricted')}</p>`;
  } else if (!queryable) {
    explorer = html`<p class="notice">${t(LANG, 'datastore.page.notQueryable')}</p>`;
  } else {
    const config: ExplorerConfig = {
      resourceId: resource.id,
      rowCount: queryable.rowCount,
      fields: queryable.fields,
      view: await readView(env.DB, resource.id),
      csrf: editor ? await csrfToken(request, env) : null,
      strings: islandStrings(),
    };
    explorer = html`<p class="muted">${t(LANG, 'datastore.page.summary', { rows: queryable.rowCount, columns: queryable.fields.length, date: formatDate(LANG, queryable.ingestedAt ?? '') })}</p>
<section class="explorer" aria-label="${t(LANG, 'datastore.explorer.label')}" data-explorer>
<noscript><p class="notice">${t(LANG, 'datastore.page.noScript')}</p></noscript>
<script type="application/json" data-explorer-config>${raw(jsonForScript(config))}</script>
</section>`;
  }
  const download = readable && resource.fileName ? resourceDownloadPath(resource.datasetId, resource.id, resource.fileName) : null;
  const api = queryable ? `/api/3/action/datastore_search?resource_id=${encodeURIComponent(resource.id)}` : null;
  const body = html`<nav class="breadcrumb" aria-label="${t(LANG, 'breadcrumb.label')}"><ol><li><a href="/">${t(LANG, 'breadcrumb.home')}</a></li><li><a href="/dataset">${t(LANG, 'nav.datasets')}</a></li><li><a href="${datasetPath}">${resource.datasetTitle}</a></li></ol></nav>
<header class="page-head"><h1>${resource.title}</h1>
<p>${t(LANG, 'datastore.page.dataset')} : <a href="${datasetPath}">${resource.datasetTitle}</a> <span class="badge">${resource.format}</span></p>
${resource.description && html`<p>${resource.description}</p>`}
<p class="explorer-actions">${download && html`<a class="button" href="${download}">${t(LANG, 'datastore.page.download')}</a>`}
${api && html`<a class="button button-secondary" href="${api}">${t(LANG, 'datastore.page.api')}</a>`}
${editor && html`<a class="button button-secondary" href="/user/datasets/${resource.datasetId}/resources/${resource.id}/datastore">${t(LANG, 'datastore.page.progressLink')}</a>`}</p>
</header>
${explorer}`;
  const head = queryable ? html`<link rel="stylesheet" href="/scripts/explorer.css"><script type="module" src="/scripts/explorer.js"></script>` : undefined;
  return pageResponse(request, env, { title, body, head, section: 'datasets' });
}
