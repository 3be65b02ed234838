// DCAT-AP catalogue (ckan-compat §4): /catalog.{jsonld,ttl,rdf,xml} paged by 100 with Hydra, ?modified_since=,
// q and fq as in package_search; /dataset/{id}.{jsonld,ttl,rdf,xml}. Visibility is can()'s, for the request's actor.
import type { IRequest } from 'itty-router';
import { CkanActionError } from '../../domain/ckan-errors';
import { datasetFacts, resourceFacts, type DatasetRecord, type ResourceRecord } from '../../domain/ckan-records';
import { parseSearchRequest, search } from '../../domain/ckan-search';
import { catalogGraph, datasetGraph, type DcatDistributionAccess } from '../../domain/dcat';
import { DCAT_MEDIA_TYPES, serialize, type DcatFormat } from '../../domain/dcat-serialize';
import { ANONYMOUS, can, type Actor } from '../../domain/permissions';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { currentCatalogue } from '../../store/ckan-catalogue';
import { resolveActor } from '../actor';
import { publicSite } from '../ckan/actions';
import { problem } from '../respond';

const PER_PAGE = 100;
const FORMATS: Record<string, DcatFormat> = { jsonld: 'jsonld', ttl: 'ttl', rdf: 'rdf', xml: 'rdf' };

const access = (actor: Actor) => (d: DatasetRecord, r: ResourceRecord): DcatDistributionAccess => ({
  downloadable: can(actor, { action: 'resource:download', resource: resourceFacts(d, r) }),
  restricted: !can(ANONYMOUS, { action: 'resource:download', resource: resourceFacts(d, r) }),
});

const listed = (actor: Actor, d: DatasetRecord) => d.published && can(actor, { action: 'dataset:view', dataset: datasetFacts(d) });

async function respond(quads: Parameters<typeof serialize>[0], format: DcatFormat): Promise<Response> {
  return new Response(await serialize(quads, format), { headers: { 'content-type': `${DCAT_MEDIA_TYPES[format]};charset=utf-8` } });
}

export async function dcatCatalogHandler(request: IRequest, env: Env): Promise<Response> {
  const format = FORMATS[(request.params as { format: string }).format];
  if (!format) return problem(404, t('fr', 'api.unknownPath'));
  const url = new URL(request.url);
  const pageParam = url.searchParams.get('page') ?? '1';
  if (!/^\d+$/.test(pageParam) || Number(pageParam) < 1) return problem(400, t('fr', 'dcat.badPage'));
  const page = Number(pageParam);
  const modifiedSince = url.searchParams.get('modified_since');
  if (modifiedSince !== null && Number.isNaN(Date.parse(modifiedSince))) return problem(400, t('fr', 'dcat.badModifiedSince'));
  const q = url.searchParams.get('q');
  const fq = url.searchParams.get('fq');

  let searchRequest;
  try {
    searchRequest = parseSearchRequest({
      ...(q ? { q } : {}),
      fq_list: [...(fq ? [fq] : []), ...(modifiedSince ? [`metadata_modified:[${new Date(modifiedSince).toISOString()} TO NOW]`] : [])],
      rows: String(PER_PAGE), start: String((page - 1) * PER_PAGE), sort: 'metadata_modified desc',
    });
  } catch (error) {
    if (error instanceof CkanActionError) return problem(400, t('fr', 'dcat.badQuery', { detail: error.message }));
    throw error;
  }
  const actor = await resolveActor(request, env);
  const catalogue = await currentCatalogue(env.DB);
  const result = search(catalogue.datasets.filter((d) => listed(actor, d)), searchRequest, Date.now());
  const site = publicSite(env);
  const extension = (request.params as { format: string }).format;
  const pageUrl = (n: number) => {
    const params = new URLSearchParams();
    if (modifiedSince) params.set('modified_since', modifiedSince);
    if (q) params.set('q', q);
    if (fq) params.set('fq', fq);
    params.set('page', String(n));
    return `${site}/catalog.${extension}?${params}`;
  };
  const quads = catalogGraph(site, { title: t('fr', 'site.name'), description: t('fr', 'dcat.catalogDescription') }, result.results,
    { pageUrl, page, perPage: PER_PAGE, totalItems: result.count }, access(actor));
  return respond(quads, format);
}

/** `/dataset/{id or slug}.{format}`: only requests with a DCAT extension reach the Worker (wrangler.toml). */
export async function dcatDatasetHandler(request: IRequest, env: Env): Promise<Response> {
  const match = /^(.+)\.(jsonld|ttl|rdf|xml)$/.exec((request.params as { file: string }).file);
  if (!match) return problem(404, t('fr', 'api.unknownPath'));
  const [, key, extension] = match as unknown as [string, string, string];
  const catalogue = await currentCatalogue(env.DB);
  const actor = await resolveActor(request, env);
  const dataset = catalogue.datasets.find((d) => (d.id === key || d.slug === key) && can(actor, { action: 'dataset:view', dataset: datasetFacts(d) }));
  if (!dataset) return problem(404, t('fr', 'dcat.notFound'));
  const accessOf = access(actor);
  return respond(datasetGraph(publicSite(env), dataset, (r) => accessOf(dataset, r)), FORMATS[extension]!);
}
