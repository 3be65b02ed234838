// The DCAT-AP catalogue served by the Worker, parsed with n3's Turtle parser; the JSON-LD and RDF/XML
// serializations of the same graph are parsed with their own real parsers in test/unit/dcat-serialize.test.ts
// (those parsers need Node streams, which the Workers pool cannot load).
import { SELF } from 'cloudflare:test';
import Parser from 'n3/src/N3Parser.js';
import type { Quad } from 'n3';
import { beforeEach, describe, expect, it } from 'vitest';
import { DS_DRAFT, DS_PUBLIC, DS_RESTRICTED, RES_CSV, RES_LINK, RES_SECRET, fixtureCatalogue, importCatalogue } from './fixtures';

const SITE = 'http://localhost:8787';
const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#', dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/',
  hydra: 'http://www.w3.org/ns/hydra/core#', foaf: 'http://xmlns.com/foaf/0.1/', locn: 'http://www.w3.org/ns/locn#',
};

/** The parsed quads, queried by subject and predicate. */
class Graph {
  constructor(readonly quads: Quad[]) {}
  objects(subject: string, predicate: string): string[] {
    return this.quads.filter((q) => q.subject.value === subject && q.predicate.value === predicate).map((q) => q.object.value);
  }
  subjects(predicate: string, object: string): string[] {
    return this.quads.filter((q) => q.predicate.value === predicate && q.object.value === object).map((q) => q.subject.value);
  }
}

async function fetchText(path: string): Promise<{ response: Response; text: string }> {
  const response = await SELF.fetch(`https://portal.test${path}`);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return { response, text };
}

async function fetchGraph(path: string): Promise<{ store: Graph; text: string }> {
  const { response, text } = await fetchText(path);
  expect(response.headers.get('content-type')).toContain('text/turtle');
  return { store: new Graph(new Parser({ baseIRI: SITE }).parse(text)), text };
}

const objects = (store: Graph, subject: string, predicate: string) => store.objects(subject, predicate);
const datasetsOf = (store: Graph) => store.subjects(`${NS.rdf}type`, `${NS.dcat}Dataset`).sort();

beforeEach(async () => {
  expect((await importCatalogue(fixtureCatalogue())).status).toBe(201);
});

describe('DCAT-AP catalogue', () => {
  it('serves JSON-LD, Turtle, RDF/XML and .xml with their media types, listing the published datasets', async () => {
    for (const [extension, type] of [['jsonld', 'application/ld+json'], ['rdf', 'application/rdf+xml'], ['xml', 'application/rdf+xml']]) {
      const { response, text } = await fetchText(`/catalog.${extension}`);
      expect(response.headers.get('content-type')).toContain(type);
      for (const id of [DS_PUBLIC, DS_RESTRICTED]) expect(text).toContain(`${SITE}/dataset/${id}`);
    }
    const { store } = await fetchGraph('/catalog.ttl');
    expect(datasetsOf(store)).toEqual([`${SITE}/dataset/${DS_PUBLIC}`, `${SITE}/dataset/${DS_RESTRICTED}`].sort());
    expect(store.subjects(`${NS.rdf}type`, `${NS.dcat}Catalog`)).toEqual([`${SITE}/`]);
  });

  it('describes each dataset with the fields harvesters read', async () => {
    const { store } = await fetchGraph('/catalog.ttl');
    const ds = `${SITE}/dataset/${DS_PUBLIC}`;
    const one = (p: string) => objects(store, ds, p);
    expect(one(`${NS.dct}identifier`)).toEqual([DS_PUBLIC]);
    expect(one(`${NS.dct}title`)).toEqual(['Population des communes']);
    expect(one(`${NS.dct}description`)[0]).toContain('Population des communes');
    expect(one(`${NS.dcat}keyword`).sort()).toEqual(['communes', 'population']);
    expect(one(`${NS.dcat}theme`)).toEqual([`${SITE}/group/administration-et-action-publique`]);
    expect(one(`${NS.dct}publisher`)).toEqual([`${SITE}/organization/region-test`]);
    expect(objects(store, `${SITE}/organization/region-test`, `${NS.foaf}name`)).toEqual(['Région Test']);
    expect(one(`${NS.dct}license`)).toEqual(['https://www.etalab.gouv.fr/licence-ouverte-open-licence/']);
    expect(one(`${NS.dct}accrualPeriodicity`)).toEqual(['http://publications.europa.eu/resource/authority/frequency/ANNUAL']);
    const [spatial] = one(`${NS.dct}spatial`);
    expect(JSON.parse(objects(store, spatial!, `${NS.locn}geometry`)[0]!)).toMatchObject({ type: 'Polygon' });
    expect(one(`${NS.dct}temporal`)).toHaveLength(0); // the fixture has no temporal coverage
    expect(one(`${NS.dct}issued`)).toEqual(['2024-01-15']);
    expect(one(`${NS.dct}modified`)).toEqual(['2025-03-01']);
    expect(one(`${NS.dcat}landingPage`)).toEqual([`${SITE}/dataset/population-communes`]);
    const distributions = one(`${NS.dcat}distribution`).sort();
    expect(distributions).toEqual([`${SITE}/dataset/${DS_PUBLIC}/resource/${RES_CSV}`, `${SITE}/dataset/${DS_PUBLIC}/resource/${RES_LINK}`].sort());
    const csv = `${SITE}/dataset/${DS_PUBLIC}/resource/${RES_CSV}`;
    expect(objects(store, csv, `${NS.dcat}downloadURL`)).toEqual([`${SITE}/dataset/${DS_PUBLIC}/resource/${RES_CSV}/download/population.csv`]);
    expect(objects(store, csv, `${NS.dct}format`)).toEqual(['CSV']);
    expect(objects(store, csv, `${NS.dcat}mediaType`)).toEqual(['https://www.iana.org/assignments/media-types/text/csv']);
    expect(Number(objects(store, csv, `${NS.dcat}byteSize`)[0])).toBeGreaterThan(0);
    const link = `${SITE}/dataset/${DS_PUBLIC}/resource/${RES_LINK}`;
    expect(objects(store, link, `${NS.dcat}accessURL`)).toEqual(['https://producteur.example/population']);
  });

  it('gives a restricted distribution the portal’s download URL and never lists a draft', async () => {
    const { store, text } = await fetchGraph('/catalog.ttl');
    expect((await fetchText('/catalog.jsonld')).text).not.toContain(DS_DRAFT);
    const secret = `${SITE}/dataset/${DS_RESTRICTED}/resource/${RES_SECRET}`;
    expect(objects(store, secret, `${NS.dcat}downloadURL`)).toEqual([`${SITE}/dataset/${DS_RESTRICTED}/resource/${RES_SECRET}/download/secret.csv`]);
    expect(objects(store, secret, `${NS.dct}accessRights`)).toEqual(['http://publications.europa.eu/resource/authority/access-right/RESTRICTED']);
    expect(text).not.toContain(DS_DRAFT);
    expect((await SELF.fetch(`https://portal.test/dataset/${DS_DRAFT}.ttl`)).status).toBe(404);
  });

  it('pages by 100 with Hydra’s current and deprecated predicates', async () => {
    const catalogue = fixtureCatalogue();
    const template = catalogue.datasets[0]!;
    for (let i = 0; i < 150; i++) {
      const n = String(i).padStart(12, '0');
      catalogue.datasets.push({ ...template, id: `7a7f5a7e-5d0c-4b8e-9c55-${n}`, slug: `copie-${i}`, resources: [] } as typeof template);
    }
    expect((await importCatalogue(catalogue)).status).toBe(201);
    const first = await fetchGraph('/catalog.ttl');
    const view = `${SITE}/catalog.ttl?page=1`;
    const types = objects(first.store, view, `${NS.rdf}type`);
    expect(types).toEqual(expect.arrayContaining([`${NS.hydra}PagedCollection`, `${NS.hydra}PartialCollectionView`]));
    expect(objects(first.store, view, `${NS.hydra}totalItems`)).toEqual(['152']);
    expect(objects(first.store, view, `${NS.hydra}itemsPerPage`)).toEqual(['100']);
    for (const [current, deprecated, page] of [['next', 'nextPage', 2], ['first', 'firstPage', 1], ['last', 'lastPage', 2]] as const) {
      expect(objects(first.store, view, `${NS.hydra}${current}`)).toEqual([`${SITE}/catalog.ttl?page=${page}`]);
      expect(objects(first.store, view, `${NS.hydra}${deprecated}`)).toEqual([`${SITE}/catalog.ttl?page=${page}`]);
    }
    expect(datasetsOf(first.store)).toHaveLength(100);
    const second = await fetchGraph('/catalog.ttl?page=2');
    const secondView = `${SITE}/catalog.ttl?page=2`;
    expect(objects(second.store, secondView, `${NS.hydra}previous`)).toEqual([view]);
    expect(objects(second.store, secondView, `${NS.hydra}previousPage`)).toEqual([view]);
    expect(objects(second.store, secondView, `${NS.hydra}next`)).toEqual([]);
    const all = [...datasetsOf(first.store), ...datasetsOf(second.store)];
    expect(new Set(all).size).toBe(152);
  });

  it('filters with modified_since and refuses a bad page or date', async () => {
    expect(datasetsOf((await fetchGraph('/catalog.ttl?modified_since=2000-01-01')).store)).toHaveLength(2);
    const future = await fetchGraph('/catalog.ttl?modified_since=2999-01-01T00:00:00Z');
    expect(datasetsOf(future.store)).toHaveLength(0);
    expect(objects(future.store, `${SITE}/catalog.ttl?modified_since=2999-01-01T00%3A00%3A00Z&page=1`, `${NS.hydra}totalItems`)).toEqual(['0']);
    expect((await SELF.fetch('https://portal.test/catalog.ttl?page=0')).status).toBe(400);
    expect((await SELF.fetch('https://portal.test/catalog.ttl?modified_since=hier')).status).toBe(400);
  });

  it('serves one dataset’s record by id or slug in each format', async () => {
    const { store } = await fetchGraph('/dataset/population-communes.ttl');
    expect(datasetsOf(store)).toEqual([`${SITE}/dataset/${DS_PUBLIC}`]);
    expect(objects(store, `${SITE}/dataset/${DS_PUBLIC}`, `${NS.dct}identifier`)).toEqual([DS_PUBLIC]);
    for (const path of [`/dataset/${DS_PUBLIC}.jsonld`, `/dataset/${DS_PUBLIC}.rdf`, `/dataset/${DS_PUBLIC}.xml`]) {
      expect((await fetchText(path)).text, path).toContain(`${SITE}/dataset/${DS_PUBLIC}`);
    }
  });
});
