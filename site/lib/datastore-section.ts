// "Données requêtables" on the dataset page: the resources loaded into the datastore that anyone may read, each
// with a link to its explorer (the resource page the Worker renders, worker/src/http/datastore/resource-page.ts).
import type { SnapshotDataset } from '../../worker/src/domain/snapshot';
import { t } from '../../worker/src/i18n';
import { html } from '../../worker/src/render/html';
import { LANG } from './site';

export function queryableSection(d: SnapshotDataset) {
  const queryable = d.resources.filter((r) => r.datastore);
  if (queryable.length === 0) return null;
  return html`<section class="queryable" aria-labelledby="queryable"><h2 id="queryable">${t(LANG, 'datastore.section.title')}</h2>
<p>${t(LANG, 'datastore.section.intro')}</p>
<ul class="resources">${queryable.map((r) => html`<li class="resource"><div class="resource-body"><h3>${r.title}</h3><p class="resource-meta"><span class="badge">${t(LANG, 'datastore.state.done')}</span><span>${t(LANG, 'datastore.section.facts', { rows: r.datastore!.rows, columns: r.datastore!.columns })}</span></p></div>
<div class="resource-action"><a class="button" href="/dataset/${d.slug}/resource/${r.id}">${t(LANG, 'datastore.section.explore')}<span class="sr-only"> – ${r.title}</span></a></div></li>`)}</ul></section>`;
}
