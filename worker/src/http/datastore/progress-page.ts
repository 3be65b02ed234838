// The contributor's view of a resource's loading into the datastore:
// GET /user/datasets/{datasetId}/resources/{resourceId}/datastore. While the job is queued or running, a small
// script (site/scripts/explorer/progress.ts) polls GET /api/datastore/{resourceId}/status for the progress bar
// and reloads this page's report section once the job has ended, so the report is rendered in one place.
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { formatNumber, TABLES, t } from '../../i18n';
import { formatDateTime } from '../../render/dates';
import { html, type Html } from '../../render/html';
import { readEntry, type DatastoreEntry } from '../../store/datastore';
import { LANG, pageResponse } from '../pages';
import { manageContext, resourcePath } from '../publish/resource-context';

const RUNNING = new Set(['queued', 'running']);

function progress(entry: DatastoreEntry): Html {
  const total = entry.rowsTotal;
  const rows = total !== null
    ? t(LANG, 'datastore.progress.rows', { loaded: entry.rowsLoaded, total })
    : t(LANG, 'datastore.progress.rowsUnknown', { loaded: entry.rowsLoaded });
  return html`<p><label for="datastore-progress-bar">${t(LANG, 'datastore.progress.bar')}</label><br>
<progress id="datastore-progress-bar" max="${total ?? 1}"${total !== null ? html` value="${entry.rowsLoaded}"` : ''}>${rows}</progress>
<span data-progress-rows data-template="${TABLES[LANG]['datastore.progress.rows']}" data-template-unknown="${TABLES[LANG]['datastore.progress.rowsUnknown']}">${rows}</span></p>`;
}

function report(entry: DatastoreEntry, explore: string): Html {
  const r = entry.report;
  if (!r) return html``;
  const facts: Array<[string, string | number | undefined]> = [
    [t(LANG, 'datastore.progress.format'), r.format],
    [t(LANG, 'datastore.progress.encoding'), r.encoding],
    [t(LANG, 'datastore.progress.delimiter'), r.delimiter === '\t' ? 'tabulation' : r.delimiter],
    [t(LANG, 'datastore.progress.sheet'), r.sheet],
    [t(LANG, 'datastore.progress.rowCount'), formatNumber(LANG, r.rows)],
    [t(LANG, 'datastore.progress.duration'), t(LANG, 'datastore.progress.seconds', { seconds: Math.round(r.durationMs / 100) / 10 })],
  ];
  return html`<h2 id="datastore-report-title">${t(LANG, 'datastore.progress.report')}</h2>
<dl class="meta-list">${facts.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
${r.errors.length > 0 && html`<h3>${t(LANG, 'datastore.progress.errors')}</h3><ul class="datastore-errors">${r.errors.map((e) => html`<li>${e}</li>`)}</ul>`}
<h3>${t(LANG, 'datastore.progress.warnings')}</h3>
${r.warnings.length === 0 ? html`<p>${t(LANG, 'datastore.progress.noWarnings')}</p>` : html`<ul class="datastore-warnings">${r.warnings.map((w) => html`<li>${w}</li>`)}</ul>`}
${r.columns.length > 0 && html`<h3>${t(LANG, 'datastore.progress.columns')}</h3><div class="table-scroll"><table class="data-table">
<thead><tr><th scope="col">${t(LANG, 'datastore.progress.label')}</th><th scope="col">${t(LANG, 'datastore.progress.column')}</th><th scope="col">${t(LANG, 'datastore.progress.type')}</th><th scope="col">${t(LANG, 'datastore.progress.nulls')}</th></tr></thead>
<tbody>${r.columns.map((c) => html`<tr><td>${c.label}</td><td><code>${c.id}</code></td><td>${t(LANG, `datastore.type.${c.type}`)}</td><td>${formatNumber(LANG, c.nulls)}</td></tr>`)}</tbody></table></div>`}
${entry.tableName && html`<p><a class="button" href="${explore}">${t(LANG, 'datastore.progress.explore')}</a></p>`}`;
}

export async function progressPageHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await manageContext(request, env, { resource: true });
  if (context instanceof Response) return context;
  const { dataset } = context;
  const resource = context.resource!;
  const entry = await readEntry(env.DATASTORE, resource.id);
  const title = t(LANG, 'datastore.progress.title', { title: resource.title });
  const running = entry?.jobState ? RUNNING.has(entry.jobState) : false;
  const explore = `/dataset/${dataset.id}/resource/${resource.id}`;
  const state = entry?.jobState
    ? html`<p class="datastore-state datastore-state-${entry.jobState}"><strong data-progress-state>${t(LANG, `datastore.state.${entry.jobState}`)}</strong>
${entry.jobStartedAt && html` <span class="muted">(${formatDateTime(LANG, entry.jobStartedAt)})</span>`}</p>`
    : html`<p>${t(LANG, 'datastore.progress.none')}</p>`;
  const body = html`<p><a href="${resourcePath(dataset.id, resource.id, 'edit')}">${t(LANG, 'datastore.progress.back')}</a></p>
<h1>${title}</h1>
<p class="muted">${t(LANG, 'datastore.progress.intro')}</p>
<section class="datastore-progress" aria-labelledby="datastore-status-title" data-progress-url="/api/datastore/${resource.id}/status" data-running="${running ? 'yes' : 'no'}">
<h2 id="datastore-status-title" class="sr-only">${t(LANG, 'datastore.progress.bar')}</h2>
<div role="status" aria-live="polite">${state}${entry && running ? progress(entry) : ''}</div>
<div data-progress-report>${entry && !running ? report(entry, explore) : ''}</div>
</section>`;
  const head = html`<link rel="stylesheet" href="/scripts/explorer.css">${running ? html`<script type="module" src="/scripts/datastore-progress.js"></script>` : ''}`;
  return pageResponse(request, env, { title, body, head, section: 'datasets' });
}
