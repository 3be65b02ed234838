// Serializations of the DCAT graph. Turtle comes from n3's Writer. JSON-LD (flattened form, prefixes as context)
// and RDF/XML (one rdf:Description per subject) are written here from the same quads: see docs/decisions.md.
import Writer from 'n3/src/N3Writer.js';
import type { Quad, Term } from 'n3';
import { PREFIXES } from './dcat';

export type DcatFormat = 'jsonld' | 'ttl' | 'rdf';

export const DCAT_MEDIA_TYPES: Record<DcatFormat, string> = {
  jsonld: 'application/ld+json',
  ttl: 'text/turtle',
  rdf: 'application/rdf+xml',
};

export function toTurtle(quads: readonly Quad[]): Promise<string> {
  const writer = new Writer({ prefixes: PREFIXES });
  writer.addQuads([...quads]);
  return new Promise((resolve, reject) => writer.end((error, result: string) => (error ? reject(error) : resolve(result))));
}

const RDF_TYPE = `${PREFIXES.rdf}type`;
const XSD_STRING = `${PREFIXES.xsd}string`;
const RDF_LANG_STRING = `${PREFIXES.rdf}langString`;

/** Compact IRI (prefix:local) when a prefix of the table covers it. */
function compact(iri: string): string | null {
  for (const [prefix, namespace] of Object.entries(PREFIXES)) {
    if (iri.startsWith(namespace) && /^[A-Za-z_][\w.-]*$/.test(iri.slice(namespace.length))) return `${prefix}:${iri.slice(namespace.length)}`;
  }
  return null;
}

/** Subjects in first-seen order, each with its quads. */
function bySubject(quads: readonly Quad[]): Map<string, { subject: Term; quads: Quad[] }> {
  const subjects = new Map<string, { subject: Term; quads: Quad[] }>();
  for (const q of quads) {
    const key = `${q.subject.termType}:${q.subject.value}`;
    const entry = subjects.get(key);
    if (entry) entry.quads.push(q);
    else subjects.set(key, { subject: q.subject, quads: [q] });
  }
  return subjects;
}

const nodeId = (t: Term) => (t.termType === 'BlankNode' ? `_:${t.value}` : t.value);

export function toJsonLd(quads: readonly Quad[]): string {
  const graph = [...bySubject(quads).values()].map(({ subject, quads: own }) => {
    const node: Record<string, unknown> = { '@id': nodeId(subject) };
    for (const q of own) {
      if (q.predicate.value === RDF_TYPE) {
        ((node['@type'] ??= []) as string[]).push(compact(q.object.value) ?? q.object.value);
        continue;
      }
      const key = compact(q.predicate.value) ?? q.predicate.value;
      let value: Record<string, string>;
      if (q.object.termType === 'Literal') {
        value = { '@value': q.object.value };
        if (q.object.language) value['@language'] = q.object.language;
        else if (q.object.datatype.value !== XSD_STRING) value['@type'] = compact(q.object.datatype.value) ?? q.object.datatype.value;
      } else {
        value = { '@id': nodeId(q.object) };
      }
      ((node[key] ??= []) as unknown[]).push(value);
    }
    return node;
  });
  return JSON.stringify({ '@context': PREFIXES, '@graph': graph });
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r/g, '&#13;');

export function toRdfXml(quads: readonly Quad[]): string {
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<rdf:RDF'];
  for (const [prefix, namespace] of Object.entries(PREFIXES)) lines.push(`  xmlns:${prefix}="${escapeXml(namespace)}"`);
  lines[lines.length - 1] += '>';
  const nodeAttribute = (t: Term) => (t.termType === 'BlankNode' ? `rdf:nodeID="${escapeXml(t.value)}"` : `rdf:about="${escapeXml(t.value)}"`);
  for (const { subject, quads: own } of bySubject(quads).values()) {
    lines.push(`  <rdf:Description ${nodeAttribute(subject)}>`);
    for (const q of own) {
      // Every predicate the graph uses lies in a declared namespace (dcat.ts builds them from PREFIXES).
      const name = compact(q.predicate.value);
      if (!name) throw new Error(`predicate outside the declared namespaces: ${q.predicate.value}`);
      const o = q.object;
      if (o.termType === 'NamedNode') lines.push(`    <${name} rdf:resource="${escapeXml(o.value)}"/>`);
      else if (o.termType === 'BlankNode') lines.push(`    <${name} rdf:nodeID="${escapeXml(o.value)}"/>`);
      else if (o.termType === 'Literal') {
        const attribute = o.language ? ` xml:lang="${escapeXml(o.language)}"`
          : o.datatype.value !== XSD_STRING && o.datatype.value !== RDF_LANG_STRING ? ` rdf:datatype="${escapeXml(o.datatype.value)}"` : '';
        lines.push(`    <${name}${attribute}>${escapeXml(o.value)}</${name}>`);
      }
    }
    lines.push('  </rdf:Description>');
  }
  lines.push('</rdf:RDF>', '');
  return lines.join('\n');
}

export function serialize(quads: readonly Quad[], format: DcatFormat): Promise<string> {
  if (format === 'ttl') return toTurtle(quads);
  return Promise.resolve(format === 'jsonld' ? toJsonLd(quads) : toRdfXml(quads));
}
