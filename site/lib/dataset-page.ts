// The dataset page: every public metadata field, its resources grouped as OPenIG does, its réutilisations, and the
// schema.org Dataset description, in the page frame shared with the Worker's pages (worker/src/render/layout.ts).
// It runs once per dataset, so it is a string template (worker/src/render/html.ts) written by
// scripts/build-site.ts beside Astro's run rather than an Astro page: see docs/decisions.md for the measured costs.
import type { SnapshotDataset, SnapshotLayer, SnapshotResource } from '../../worker/src/domain/snapshot';
import { RESOURCE_TYPES } from '../../worker/src/domain/vocabulary';
import {
  accessLevelLabel, dataTypeLabel, formatNumber, frequencyLabel, geocoverLabel, granularityLabel, resourceTypeLabel,
  showcaseTypeLabel, sourceModeLabel, t, tn,
} from '../../worker/src/i18n';
import type { Catalogue } from './catalogue';
import { SUMMARY_LENGTH, datasetFormats, keywordSearchHref } from './dataset';
import { formatBytes, formatDate, formatLabel, isExternal, plainText, safeHref, truncate } from './format';
import { html, raw, type Part } from '../../worker/src/render/html';
import { renderPage } from '../../worker/src/render/layout';
import { renderMarkdown } from './markdown';
import { queryableSection } from './datastore-section';
import { LANG, jsonForScript, portalName } from './site';
import { accessRequestLink, declareShowcaseLink, participationBar, PARTICIPATION_SCRIPT, reportResourceLink } from './participation';


export interface DatasetPage {
  path: string;
  description: string;
  /** Content of the <script type="application/ld+json"> in the head. */
  jsonLd: string;
  body: string;
}

const icon = (name: string) => raw(`<svg class="icon" aria-hidden="true"><use href="/icons.svg#${name}"/></svg>`);
const date = (iso: string) => formatDate(LANG, iso);
const downloads = (n: number) => `${formatNumber(LANG, n)} ${tn(LANG, 'noun.download', n)}`;

function resourceItem(r: SnapshotResource, datasetId: string) {
  const href = r.restricted ? null : safeHref(r.url);
  const external = href !== null && isExternal(href);
  // Restricted resources never show anything like a file address: a lock and what access means instead.
  const action = r.restricted
    ? html`<details class="access"><summary class="button button-secondary">${icon('lock')}${t(LANG, 'resource.requestAccess')}<span class="sr-only"> – ${r.title}</span></summary><div class="access-panel"><p>${t(LANG, 'resource.restrictedWhat', { level: accessLevelLabel(LANG, r.accessLevel) })}</p>${accessRequestLink(datasetId, r)}</div></details>`
    : href && html`<a class="button" href="${href}">${icon(external ? 'external' : 'download')}${t(LANG, external ? 'resource.open' : 'resource.download')}<span class="sr-only"> – ${r.title}${external && ` (${t(LANG, 'resource.external')})`}</span></a>`;
  return html`<li class="resource"><div class="resource-body"><h4>${r.title}</h4>${r.description && html`<p>${r.description}</p>`}<p class="resource-meta"><span class="badge">${formatLabel(r.format)}</span>${r.restricted && html`<span class="restricted">${icon('lock')}${t(LANG, 'resource.restricted')}</span>`}${r.sizeBytes !== null && html`<span>${formatBytes(LANG, r.sizeBytes)}</span>`}<span>${downloads(r.downloadCount)}</span>${r.sourceMode === 'url_reference' && html`<span>${sourceModeLabel(LANG, r.sourceMode)}</span>`}</p></div><div class="resource-action">${action}${reportResourceLink(r)}</div></li>`;
}

/**
 * A ready geographic layer: the map preview island (vector tiles styled like WMS; the WMS image shows until the
 * script runs, and stays without JavaScript) and the "API Géo" panel of OPenIG: service URL, layer name,
 * capabilities, GeoJSON download and how to add it in QGIS.
 */
function layerSection(r: SnapshotResource, layer: SnapshotLayer, site: URL) {
  const service = new URL(layer.servicePath, site).href;
  const typeName = `${layer.servicePath.slice('/maps/'.length)}:${layer.name}`;
  const [west, south, east, north] = layer.bbox;
  const width = 640;
  const height = Math.round(Math.min(480, Math.max(200, (width * (north - south)) / Math.max(east - west, 1e-9) / Math.cos(((south + north) / 2) * Math.PI / 180))));
  const preview = `${service}?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${encodeURIComponent(layer.name)}&STYLES=&CRS=CRS:84&BBOX=${layer.bbox.join(',')}&WIDTH=${width}&HEIGHT=${height}&FORMAT=image/png&TRANSPARENT=TRUE`;
  const geojson = `${service}?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=${encodeURIComponent(typeName)}&OUTPUTFORMAT=application/json`;
  const data = JSON.stringify({ name: layer.name, title: layer.title, geometryType: layer.geometryType, bbox: layer.bbox, tilesPath: layer.tilesPath, style: layer.style });
  const id = `layer-${r.id}`;
  return html`<section class="layer-section" aria-labelledby="${id}"><h3 id="${id}">${t(LANG, 'geo.mapTitle', { title: r.title })}</h3>
<div class="layer-map" data-layer-map="${data}" role="region" aria-label="${t(LANG, 'geo.mapLabel', { title: layer.title })}"><img src="${preview}" alt="${t(LANG, 'geo.mapAlt', { title: layer.title })}" width="${width}" height="${height}" loading="lazy"></div>
<details class="api-geo"><summary>${t(LANG, 'geo.api')}</summary><dl>
<dt>${t(LANG, 'geo.serviceUrl')}</dt><dd><code>${service}</code></dd>
<dt>${t(LANG, 'geo.layerName')}</dt><dd><code>${layer.name}</code> (${t(LANG, 'geo.typeName')} <code>${typeName}</code>)</dd>
<dt>${t(LANG, 'geo.capabilities')}</dt><dd><a href="${service}?SERVICE=WMS&amp;REQUEST=GetCapabilities">WMS GetCapabilities</a> · <a href="${service}?SERVICE=WFS&amp;REQUEST=GetCapabilities">WFS GetCapabilities</a></dd>
<dt>${t(LANG, 'geo.download')}</dt><dd><a href="${geojson}">${t(LANG, 'geo.geojson', { count: formatNumber(LANG, layer.featureCount) })}</a></dd>
<dt>${t(LANG, 'geo.legend')}</dt><dd><img src="${service}?SERVICE=WMS&amp;VERSION=1.3.0&amp;REQUEST=GetLegendGraphic&amp;LAYER=${encodeURIComponent(layer.name)}&amp;FORMAT=image/png" alt="${t(LANG, 'geo.legendAlt', { title: layer.title })}" loading="lazy"></dd>
<dt>${t(LANG, 'geo.qgis')}</dt><dd>${t(LANG, 'geo.qgisHow', { name: layer.name })}</dd>
</dl></details></section>`;
}

// Enough for a search engine's snippet; the page itself has the whole description.
const JSON_LD_DESCRIPTION_CHARS = 1000;

const entry = (label: string, value: Part) => html`<dt>${label}</dt><dd>${value}</dd>`;

export function datasetPage(d: SnapshotDataset, cat: Catalogue, site: URL): DatasetPage {
  const org = cat.organizations.get(d.organization);
  const licence = cat.licences.get(d.licence);
  const themes = d.themes.flatMap((slug) => cat.themes.get(slug) ?? []);
  const showcases = cat.showcasesByDataset.get(d.slug) ?? [];
  const formats = datasetFormats(d);
  const layered = d.resources.filter((r) => r.layer && !r.restricted);
  const groups = RESOURCE_TYPES.map((type) => ({ type, resources: d.resources.filter((r) => r.resourceType === type) }))
    .filter((g) => g.resources.length > 0);
  const text = plainText(d.description);
  const path = `/dataset/${d.slug}`;
  const absolute = (url: string) => new URL(url, site).href;
  const orgPath = org && `/organization/${org.slug}`;
  const licenceHref = safeHref(licence?.url);
  const bbox = d.bbox?.map((n) => n.toFixed(4));
  const temporal = d.temporalStart && d.temporalEnd ? t(LANG, 'dataset.temporalRange', { start: date(d.temporalStart), end: date(d.temporalEnd) })
    : d.temporalStart ? t(LANG, 'dataset.temporalFrom', { start: date(d.temporalStart) })
    : d.temporalEnd ? t(LANG, 'dataset.temporalUntil', { end: date(d.temporalEnd) }) : null;
  const [updatedBefore, updatedAfter] = t(LANG, 'card.updated').split('{date}');

  // schema.org Dataset for search engines; only freely downloadable resources are distributions.
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'Dataset',
    '@id': absolute(path),
    url: absolute(path),
    name: d.title,
    description: truncate(text, JSON_LD_DESCRIPTION_CHARS),
    identifier: d.id,
    keywords: d.tags,
    license: licence ? (licence.url ?? licence.title) : undefined,
    isAccessibleForFree: true,
    inLanguage: LANG,
    publisher: org && orgPath ? { '@type': 'Organization', name: org.legalName, url: absolute(orgPath) } : undefined,
    creator: d.ownerName ? { '@type': 'Organization', name: d.ownerName } : undefined,
    dateCreated: d.dateCreated,
    dateModified: d.dateModified,
    datePublished: d.datePublished,
    spatialCoverage: d.territoryName || d.bbox ? {
      '@type': 'Place',
      name: d.territoryName ?? undefined,
      geo: d.bbox ? { '@type': 'GeoShape', box: `${d.bbox[1]} ${d.bbox[0]} ${d.bbox[3]} ${d.bbox[2]}` } : undefined,
    } : undefined,
    temporalCoverage: d.temporalStart || d.temporalEnd ? `${d.temporalStart ?? '..'}/${d.temporalEnd ?? '..'}` : undefined,
    includedInDataCatalog: { '@type': 'DataCatalog', name: portalName(), url: absolute('/') },
    distribution: d.resources.flatMap((r) => {
      const href = r.restricted ? null : safeHref(r.url);
      return href ? [{ '@type': 'DataDownload', name: r.title, encodingFormat: r.mediaType ?? formatLabel(r.format), contentUrl: absolute(href) }] : [];
    }),
  };

  const body = html`<nav class="breadcrumb" aria-label="${t(LANG, 'breadcrumb.label')}"><ol><li><a href="/">${t(LANG, 'breadcrumb.home')}</a></li><li><a href="/dataset">${t(LANG, 'nav.datasets')}</a></li>${org && orgPath && html`<li><a href="${orgPath}">${org.legalName}</a></li>`}</ol></nav>
<article class="dataset"><header class="page-head"><h1>${d.title}</h1>
${org && orgPath && html`<p class="dataset-org">${icon('building')}<a href="${orgPath}">${org.legalName}</a></p>`}
<p class="dataset-stats"><span>${icon('calendar')}${updatedBefore}<time datetime="${d.dateModified}">${date(d.dateModified)}</time>${updatedAfter}</span> <span>${icon('download')}${downloads(d.downloadCount)}</span></p>
${d.hasRestrictedResources && html`<p class="notice notice-lock">${icon('lock')}${t(LANG, 'dataset.restricted')}</p>`}
${participationBar(d, absolute(path))}</header>
<div class="dataset-grid"><div class="dataset-main">
<section aria-labelledby="description"><h2 id="description">${t(LANG, 'dataset.description')}</h2><div class="prose">${raw(renderMarkdown(d.description))}</div></section>
<section aria-labelledby="resources"><h2 id="resources">${t(LANG, 'dataset.resources')}</h2>${groups.length === 0 && html`<p>${t(LANG, 'dataset.noResources')}</p>`}
${groups.map((g) => html`<section class="resource-group" aria-labelledby="resources-${g.type}"><h3 id="resources-${g.type}">${resourceTypeLabel(LANG, g.type)}</h3><ul class="resources">${g.resources.map((r) => resourceItem(r, d.id))}</ul></section>`)}</section>
${queryableSection(d)}
${layered.length > 0 && html`<section aria-labelledby="map-preview"><h2 id="map-preview">${t(LANG, 'geo.section')}</h2>${layered.map((r) => layerSection(r, r.layer!, site))}
<link rel="stylesheet" href="/styles/leaflet.css"><script type="module" src="/scripts/layer-map.js"></script></section>`}
<section aria-labelledby="showcases"><h2 id="showcases">${t(LANG, 'dataset.showcases')}</h2>${declareShowcaseLink(d)}${showcases.length === 0
    ? html`<p>${t(LANG, 'dataset.noShowcases')}</p>`
    : html`<ul class="link-list">${showcases.map((s) => html`<li><a href="/showcase/${s.slug}">${s.title}</a> <span class="muted">(${showcaseTypeLabel(LANG, s.showcaseType)})</span></li>`)}</ul>`}</section>
</div>
<aside class="dataset-aside" aria-labelledby="information"><h2 id="information">${t(LANG, 'dataset.information')}</h2><dl class="meta-list">
${themes.length > 0 && entry(t(LANG, 'dataset.themes'), html`<ul class="inline-list">${themes.map((th) => html`<li><a href="/group/${th.slug}">${th.title}</a></li>`)}</ul>`)}
${d.tags.length > 0 && entry(t(LANG, 'dataset.keywords'), html`<ul class="tags">${d.tags.map((tag) => html`<li><a href="${keywordSearchHref(tag)}" title="${t(LANG, 'dataset.keywordLink', { tag })}">${tag}</a></li>`)}</ul>`)}
${formats.length > 0 && entry(t(LANG, 'dataset.formats'), html`<ul class="badges">${formats.map((f) => html`<li class="badge">${f}</li>`)}</ul>`)}
${entry(t(LANG, 'dataset.licence'), licenceHref ? html`<a href="${licenceHref}">${licence?.title}</a>` : (licence?.title ?? d.licence))}
${entry(t(LANG, 'dataset.frequency'), frequencyLabel(LANG, d.updateFrequency))}
${entry(t(LANG, 'dataset.granularity'), granularityLabel(LANG, d.granularity))}
${entry(t(LANG, 'dataset.spatial'), html`${d.territoryName ?? geocoverLabel(LANG, d.geocover)}${bbox && html`<span class="muted small"><br>${t(LANG, 'dataset.bbox')} : ${t(LANG, 'dataset.bboxValue', { west: bbox[0] ?? '', south: bbox[1] ?? '', east: bbox[2] ?? '', north: bbox[3] ?? '' })}</span>`}`)}
${temporal && entry(t(LANG, 'dataset.temporal'), temporal)}
${d.dataTypes.length > 0 && entry(t(LANG, 'dataset.dataTypes'), d.dataTypes.map((dt) => dataTypeLabel(LANG, dt)).join(', '))}
${entry(t(LANG, 'dataset.dateCreated'), html`<time datetime="${d.dateCreated}">${date(d.dateCreated)}</time>`)}
${entry(t(LANG, 'dataset.dateModified'), html`<time datetime="${d.dateModified}">${date(d.dateModified)}</time>`)}
${entry(t(LANG, 'dataset.datePublished'), html`<time datetime="${d.datePublished}">${date(d.datePublished)}</time>`)}
${d.ownerName && entry(t(LANG, 'dataset.owner'), d.ownerName)}
${d.broadcasterName && entry(t(LANG, 'dataset.broadcaster'), d.broadcasterName)}
${entry(t(LANG, 'dataset.identifier'), html`<code>${d.id}</code>`)}
</dl></aside></div></article>`;

  return { path, description: truncate(text, SUMMARY_LENGTH), jsonLd: jsonForScript(jsonLd), body: body.value };
}

/** The whole HTML document of a dataset page; `site` is the public origin (absolute links, canonical URL). */
export function datasetDocument(d: SnapshotDataset, cat: Catalogue, site: URL): string {
  const page = datasetPage(d, cat, site);
  return renderPage({
    lang: LANG,
    portalName: portalName(),
    path: page.path,
    section: 'datasets',
    title: d.title,
    description: page.description,
    head: html`<link rel="canonical" href="${new URL(page.path, site).href}">
<script type="application/ld+json">${raw(page.jsonLd)}</script>
${PARTICIPATION_SCRIPT}`,
    body: raw(page.body),
  }).value;
}
