// DCAT-AP graph of the catalogue (ckan-compat §4): the catalog, a page of datasets with their distributions, and
// Hydra paging with both the current and the deprecated predicates so udata and ckanext-dcat readers both follow it.
import DataFactory from 'n3/src/N3DataFactory.js';
import type { NamedNode, Quad, Quad_Object, Quad_Subject } from 'n3';
import { datasetPageUrl, portalDownloadUrl } from './ckan-package';
import type { DatasetRecord, ResourceRecord } from './ckan-records';
import { bboxPolygon, bboxWkt, frequencyUri } from './dcat-vocabulary';

const { namedNode, literal, blankNode, quad } = DataFactory;

export const PREFIXES = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  locn: 'http://www.w3.org/ns/locn#',
  gsp: 'http://www.opengis.net/ont/geosparql#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  spdx: 'http://spdx.org/rdf/terms#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
} as const;

type Prefix = keyof typeof PREFIXES;
const term = (prefix: Prefix, local: string) => namedNode(PREFIXES[prefix] + local);
const RDF_TYPE = term('rdf', 'type');
const ACCESS_RIGHTS = 'http://publications.europa.eu/resource/authority/access-right/';
const LANGUAGE_FR = 'http://publications.europa.eu/resource/authority/language/FRA';
const IANA_MEDIA_TYPES = 'https://www.iana.org/assignments/media-types/';

export interface DcatPaging {
  /** URL of a page of the catalogue in the requested format. */
  pageUrl: (page: number) => string;
  page: number;
  perPage: number;
  totalItems: number;
}

export interface DcatDistributionAccess {
  /** The actor may download it: a producer's link is given as is. */
  downloadable: boolean;
  /** An anonymous visitor may not download it (dct:accessRights RESTRICTED). */
  restricted: boolean;
}

/** Quads without repeats: publishers, thématiques and licences are shared by many datasets of a page. */
class Graph {
  readonly quads: Quad[] = [];
  private readonly seen = new Set<string>();
  add(s: Quad_Subject, p: string | NamedNode, o: Quad_Object | null | undefined): void {
    if (o === null || o === undefined) return;
    const q = quad(s, typeof p === 'string' ? namedNode(p) : p, o);
    const key = JSON.stringify([s.termType, s.value, q.predicate.value, o.termType, o.value, o.termType === 'Literal' ? [o.language, o.datatype.value] : null]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.quads.push(q);
  }
  text(s: Quad_Subject, p: NamedNode, value: string | null | undefined, lang?: string): void {
    if (value) this.add(s, p, literal(value, lang));
  }
}

const xsd = (type: string) => term('xsd', type);

function distribution(g: Graph, site: string, d: DatasetRecord, r: ResourceRecord, access: DcatDistributionAccess) {
  const node = namedNode(`${site}/dataset/${d.id}/resource/${r.id}`);
  g.add(node, RDF_TYPE, term('dcat', 'Distribution'));
  g.add(node, term('dct', 'identifier'), literal(r.id));
  g.text(node, term('dct', 'title'), r.title, 'fr');
  g.text(node, term('dct', 'description'), r.description, 'fr');
  // Stored files and every restricted resource go through the portal's download route, which checks access.
  const portal = r.stored || !access.downloadable || !r.sourceUrl;
  const url = portal ? portalDownloadUrl(site, r) : r.sourceUrl!;
  g.add(node, term('dcat', 'accessURL'), namedNode(url));
  if (r.stored || r.resourceType === 'raw') g.add(node, term('dcat', 'downloadURL'), namedNode(url));
  g.add(node, term('dct', 'format'), literal(r.format));
  if (r.mediaType) g.add(node, term('dcat', 'mediaType'), namedNode(IANA_MEDIA_TYPES + r.mediaType));
  if (r.sizeBytes !== null) g.add(node, term('dcat', 'byteSize'), literal(String(r.sizeBytes), xsd('nonNegativeInteger')));
  if (r.sha256) {
    const checksum = blankNode();
    g.add(node, term('spdx', 'checksum'), checksum);
    g.add(checksum, RDF_TYPE, term('spdx', 'Checksum'));
    g.add(checksum, term('spdx', 'algorithm'), term('spdx', 'checksumAlgorithm_sha256'));
    g.add(checksum, term('spdx', 'checksumValue'), literal(r.sha256, xsd('hexBinary')));
  }
  g.add(node, term('dct', 'accessRights'), namedNode(ACCESS_RIGHTS + (access.restricted ? 'RESTRICTED' : 'PUBLIC')));
  g.add(node, term('dct', 'issued'), literal(r.createdAt, xsd('dateTime')));
  g.add(node, term('dct', 'modified'), literal(r.modifiedAt, xsd('dateTime')));
  return node;
}

function dataset(g: Graph, site: string, d: DatasetRecord, access: (r: ResourceRecord) => DcatDistributionAccess) {
  const node = namedNode(`${site}/dataset/${d.id}`);
  g.add(node, RDF_TYPE, term('dcat', 'Dataset'));
  g.add(node, term('dct', 'identifier'), literal(d.id));
  g.text(node, term('dct', 'title'), d.title, 'fr');
  g.text(node, term('dct', 'description'), d.description, 'fr');
  for (const tag of d.tags) g.text(node, term('dcat', 'keyword'), tag, 'fr');
  for (const theme of d.themes) {
    const themeNode = namedNode(`${site}/group/${theme.slug}`);
    g.add(node, term('dcat', 'theme'), themeNode);
    g.add(themeNode, RDF_TYPE, term('skos', 'Concept'));
    g.text(themeNode, term('skos', 'prefLabel'), theme.title, 'fr');
  }
  const publisher = namedNode(`${site}/organization/${d.organization.slug}`);
  g.add(node, term('dct', 'publisher'), publisher);
  g.add(publisher, RDF_TYPE, term('foaf', 'Organization'));
  g.text(publisher, term('foaf', 'name'), d.organization.title);
  if (d.organization.website) g.add(publisher, term('foaf', 'homepage'), namedNode(d.organization.website));

  const licence = d.licence.url ? namedNode(d.licence.url) : blankNode();
  g.add(node, term('dct', 'license'), licence);
  g.add(licence, RDF_TYPE, term('dct', 'LicenseDocument'));
  g.add(licence, term('dct', 'identifier'), literal(d.licence.id));
  g.text(licence, term('rdfs', 'label'), d.licence.title, 'fr');

  g.add(node, term('dct', 'accrualPeriodicity'), namedNode(frequencyUri(d.updateFrequency)));
  if (d.bbox || d.territoryName) {
    const location = blankNode();
    g.add(node, term('dct', 'spatial'), location);
    g.add(location, RDF_TYPE, term('dct', 'Location'));
    g.text(location, term('skos', 'prefLabel'), d.territoryName, 'fr');
    if (d.bbox) {
      g.add(location, term('locn', 'geometry'), literal(JSON.stringify(bboxPolygon(d.bbox)), term('gsp', 'geoJSONLiteral')));
      g.add(location, term('dcat', 'bbox'), literal(bboxWkt(d.bbox), term('gsp', 'wktLiteral')));
    }
  }
  if (d.temporalStart || d.temporalEnd) {
    const period = blankNode();
    g.add(node, term('dct', 'temporal'), period);
    g.add(period, RDF_TYPE, term('dct', 'PeriodOfTime'));
    if (d.temporalStart) g.add(period, term('dcat', 'startDate'), literal(d.temporalStart, xsd('date')));
    if (d.temporalEnd) g.add(period, term('dcat', 'endDate'), literal(d.temporalEnd, xsd('date')));
  }
  g.add(node, term('dct', 'issued'), literal(d.datePublished, xsd('date')));
  g.add(node, term('dct', 'modified'), literal(d.dateModified, xsd('date')));
  g.add(node, term('dcat', 'landingPage'), namedNode(datasetPageUrl(site, d)));
  if (d.ownerName || d.ownerEmail) {
    const contact = blankNode();
    g.add(node, term('dcat', 'contactPoint'), contact);
    g.add(contact, RDF_TYPE, term('vcard', 'Kind'));
    g.text(contact, term('vcard', 'fn'), d.ownerName ?? d.ownerEmail);
    if (d.ownerEmail) g.add(contact, term('vcard', 'hasEmail'), namedNode(`mailto:${d.ownerEmail}`));
  }
  for (const r of d.resources) g.add(node, term('dcat', 'distribution'), distribution(g, site, d, r, access(r)));
  return node;
}

export interface CatalogDescription {
  title: string;
  description: string;
}

/** One page of the catalogue: catalog node, its datasets, and the Hydra paging node. */
export function catalogGraph(site: string, catalog: CatalogDescription, datasets: readonly DatasetRecord[], paging: DcatPaging,
  access: (d: DatasetRecord, r: ResourceRecord) => DcatDistributionAccess): Quad[] {
  const g = new Graph();
  const node = namedNode(`${site}/`);
  g.add(node, RDF_TYPE, term('dcat', 'Catalog'));
  g.text(node, term('dct', 'title'), catalog.title, 'fr');
  g.text(node, term('dct', 'description'), catalog.description, 'fr');
  g.add(node, term('foaf', 'homepage'), namedNode(`${site}/`));
  g.add(node, term('dct', 'language'), namedNode(LANGUAGE_FR));
  const latest = datasets.reduce<string | null>((max, d) => (max === null || d.updatedAt > max ? d.updatedAt : max), null);
  if (latest) g.add(node, term('dct', 'modified'), literal(latest, xsd('dateTime')));
  for (const d of datasets) g.add(node, term('dcat', 'dataset'), dataset(g, site, d, (r) => access(d, r)));

  const lastPage = Math.max(1, Math.ceil(paging.totalItems / paging.perPage));
  const view = namedNode(paging.pageUrl(paging.page));
  g.add(view, RDF_TYPE, term('hydra', 'PagedCollection'));
  g.add(view, RDF_TYPE, term('hydra', 'PartialCollectionView'));
  g.add(view, term('hydra', 'totalItems'), literal(String(paging.totalItems), xsd('integer')));
  g.add(view, term('hydra', 'itemsPerPage'), literal(String(paging.perPage), xsd('integer')));
  const link = (current: string, deprecated: string, page: number) => {
    g.add(view, term('hydra', current), namedNode(paging.pageUrl(page)));
    g.add(view, term('hydra', deprecated), namedNode(paging.pageUrl(page)));
  };
  link('first', 'firstPage', 1);
  link('last', 'lastPage', lastPage);
  if (paging.page > 1) link('previous', 'previousPage', Math.min(paging.page - 1, lastPage));
  if (paging.page < lastPage) link('next', 'nextPage', paging.page + 1);
  return g.quads;
}

/** One dataset's record (/dataset/{id}.{format}). */
export function datasetGraph(site: string, d: DatasetRecord, access: (r: ResourceRecord) => DcatDistributionAccess): Quad[] {
  const g = new Graph();
  dataset(g, site, d, access);
  return g.quads;
}
