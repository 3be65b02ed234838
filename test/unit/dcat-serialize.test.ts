// The three DCAT serializations of one graph, parsed back with real parsers (n3, jsonld-streaming-parser,
// rdfxml-streaming-parser): each must give exactly the graph the Worker built.
import { JsonLdParser } from 'jsonld-streaming-parser';
import { Parser, type Quad } from 'n3';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import { describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../../worker/src/domain/ckan-records';
import { catalogGraph } from '../../worker/src/domain/dcat';
import { toJsonLd, toRdfXml, toTurtle } from '../../worker/src/domain/dcat-serialize';

const SITE = 'https://donnees.example';

const organization = { id: 'o1', slug: 'region', title: 'Région « Test » & Cie', description: '', logoPath: null, website: 'https://region.example', createdAt: '2024-01-01T00:00:00Z' };
const dataset = (n: number): DatasetRecord => ({
  id: `d${n}`, slug: `jeu-${n}`, title: `Jeu n° ${n} <b>`, description: 'Ligne 1\nLigne 2 « guillemets » & esperluette', organization,
  licence: n % 2 ? { id: 'lov2', title: 'Licence Ouverte', url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/', isOpen: true } : { id: 'aplc', title: 'Licence APLC', url: null, isOpen: false },
  creatorUserId: null, updateFrequency: 'annual', granularity: 'commune', bbox: [1.5, 42.3, 4.9, 45.1], territoryName: 'Occitanie',
  temporalStart: '2020-01-01', temporalEnd: '2024-12-31', ownerName: 'Service SIG', ownerEmail: 'sig@region.example',
  broadcasterName: null, broadcasterEmail: null, dateCreated: '2024-01-10', dateModified: '2025-03-01', datePublished: '2024-01-15',
  published: true, createdAt: '2024-01-10T08:00:00.000Z', updatedAt: '2025-03-01T08:00:00.000Z',
  themes: [{ id: 't1', slug: 'agriculture', title: 'Agriculture', description: '', createdAt: null }],
  tags: ['eau', 'réseau'],
  resources: [{
    id: `r${n}`, datasetId: `d${n}`, position: 0, title: 'Fichier', description: '', format: 'CSV', resourceType: 'raw', sourceMode: 'upload',
    sourceUrl: null, fileName: 'données.csv', stored: true, mediaType: 'text/csv', sizeBytes: 1234, sha256: 'ab'.repeat(32),
    accessLevel: 'public', allowedUserIds: [], allowedOrganizationIds: [], createdAt: '2024-01-10T08:00:00.000Z', modifiedAt: '2025-03-01T08:00:00.000Z',
  }],
});

const quads = catalogGraph(SITE, { title: 'Portail', description: 'Catalogue' }, [dataset(1), dataset(2)],
  { pageUrl: (p) => `${SITE}/catalog.ttl?page=${p}`, page: 1, perPage: 100, totalItems: 2 },
  () => ({ downloadable: true, restricted: false }));

function streamed(parser: RdfXmlParser | JsonLdParser, text: string): Promise<Quad[]> {
  return new Promise((resolve, reject) => {
    const out: Quad[] = [];
    parser.on('data', (q: Quad) => out.push(q));
    parser.on('error', reject);
    parser.on('end', () => resolve(out));
    parser.write(text);
    parser.end();
  });
}

/** Quads as comparable strings, blank nodes renamed by their first appearance in a canonical walk of named subjects. */
function canonical(list: readonly Quad[]): string[] {
  const label = (t: Quad['object']) => (t.termType === 'Literal' ? `"${t.value}"@${t.language}^^${t.datatype.value}` : t.termType === 'BlankNode' ? '_' : `<${t.value}>`);
  // Describe each blank node by its own (non-blank) triples, which are unique in this graph.
  const describe = (id: string) => list.filter((q) => q.subject.termType === 'BlankNode' && q.subject.value === id)
    .map((q) => `${q.predicate.value} ${label(q.object)}`).sort().join(';');
  const term = (t: Quad['object']) => (t.termType === 'BlankNode' ? `[${describe(t.value)}]` : label(t));
  return list.filter((q) => q.subject.termType !== 'BlankNode').map((q) => `${term(q.subject as Quad['object'])} <${q.predicate.value}> ${term(q.object)}`).sort();
}

describe('DCAT serializations', () => {
  it('Turtle, JSON-LD and RDF/XML each parse back to the built graph', async () => {
    const expected = canonical(quads);
    expect(expected.length).toBeGreaterThan(50);
    expect(canonical(new Parser().parse(await toTurtle(quads)))).toEqual(expected);
    expect(canonical(await streamed(new JsonLdParser(), toJsonLd(quads)))).toEqual(expected);
    expect(canonical(await streamed(new RdfXmlParser(), toRdfXml(quads)))).toEqual(expected);
  });

  it('describes shared publishers, thématiques and licences once per page', () => {
    const names = quads.filter((q) => q.subject.value === `${SITE}/organization/region` && q.predicate.value.endsWith('/name'));
    expect(names).toHaveLength(1);
  });
});
