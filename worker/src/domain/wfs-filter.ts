// WFS filters (OGC Filter 1.1 and FES 2.0, as GDAL, QGIS and owslib send them): parsed with a real XML parser
// (saxes) that refuses any DTD (so no entity can expand) and stops past a nesting depth, then compiled into a
// feature predicate plus the bounding box the spatial index can use.
import { SaxesParser } from 'saxes';

export class FilterError extends Error {
  constructor(message: string, readonly code = 'InvalidParameterValue') {
    super(message);
  }
}

export const MAX_FILTER_DEPTH = 50;
export const MAX_FILTER_BYTES = 256 * 1024;

export interface XmlNode {
  local: string;
  uri: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** Parses XML into a small tree; DOCTYPE (and so entity declarations) and excessive nesting are refused. */
export function parseXml(text: string, maxDepth = MAX_FILTER_DEPTH): XmlNode {
  if (text.length > MAX_FILTER_BYTES) throw new FilterError(`Le filtre dépasse ${MAX_FILTER_BYTES / 1024} Ko.`);
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlNode[] = [];
  let root: XmlNode | null = null;
  let failure: FilterError | null = null;
  parser.on('doctype', () => {
    throw new FilterError('Le filtre contient une déclaration DOCTYPE : les DTD et entités XML sont refusées par sécurité.');
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= maxDepth) {
      throw new FilterError(`Le filtre est imbriqué sur plus de ${maxDepth} niveaux : simplifiez-le (au plus ${maxDepth} niveaux d’éléments).`);
    }
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) attributes[attribute.local] = attribute.value;
    const node: XmlNode = { local: tag.local, uri: tag.uri, attributes, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('text', (t) => { if (stack.length > 0) stack[stack.length - 1]!.text += t; });
  parser.on('cdata', (t) => { if (stack.length > 0) stack[stack.length - 1]!.text += t; });
  parser.on('closetag', () => { stack.pop(); });
  parser.on('error', (error) => {
    failure ??= new FilterError(`Le filtre n’est pas un XML valide : ${error.message.replace(/^.*?:\d+:\d+: /, '')}`);
  });
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof FilterError) throw error;
    throw new FilterError(`Le filtre n’est pas un XML valide : ${error instanceof Error ? error.message : ''}`);
  }
  if (failure) throw failure;
  if (!root) throw new FilterError('Le filtre est vide.');
  return root;
}

/** A box in a CRS, corners as written (the caller applies the axis order of `srsName`). */
export interface FilterBox {
  lower: [number, number];
  upper: [number, number];
  srsName: string | null;
}

export type Filter =
  | { op: 'and' | 'or'; filters: Filter[] }
  | { op: 'not'; filter: Filter }
  | { op: 'compare'; comparison: 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge'; property: string; literal: string; matchCase: boolean }
  | { op: 'like'; property: string; pattern: RegExp }
  | { op: 'between'; property: string; lower: string; upper: string }
  | { op: 'null'; property: string }
  | { op: 'bbox'; box: FilterBox }
  | { op: 'ids'; ids: string[] };

const COMPARISONS: Record<string, 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge'> = {
  PropertyIsEqualTo: 'eq', PropertyIsNotEqualTo: 'ne', PropertyIsLessThan: 'lt', PropertyIsGreaterThan: 'gt',
  PropertyIsLessThanOrEqualTo: 'le', PropertyIsGreaterThanOrEqualTo: 'ge',
};

const child = (node: XmlNode, ...locals: string[]) => node.children.find((c) => locals.includes(c.local));
const propertyOf = (node: XmlNode): string => {
  const ref = child(node, 'ValueReference', 'PropertyName');
  if (!ref) throw new FilterError(`L’opérateur ${node.local} n’indique pas d’attribut (ValueReference ou PropertyName).`);
  // "org:nom" or "nom" (XPath with a prefix): the attribute name is the local part.
  return ref.text.trim().split('/').pop()!.split(':').pop()!;
};
const literalOf = (node: XmlNode | undefined, where: string): string => {
  if (!node) throw new FilterError(`L’opérateur ${where} n’a pas de valeur (Literal).`);
  return node.text.trim();
};

function numbers(text: string): number[] {
  const values = text.trim().split(/[\s,]+/).map(Number);
  if (values.some((v) => !Number.isFinite(v))) throw new FilterError(`Coordonnées invalides dans le filtre : « ${text.trim().slice(0, 60)} ».`);
  return values;
}

function boxOf(node: XmlNode): FilterBox {
  const envelope = child(node, 'Envelope', 'Box');
  if (!envelope) throw new FilterError('Le filtre BBOX attend un gml:Envelope ou un gml:Box.');
  const srsName = envelope.attributes.srsName ?? null;
  if (envelope.local === 'Envelope') {
    const lower = child(envelope, 'lowerCorner');
    const upper = child(envelope, 'upperCorner');
    if (!lower || !upper) throw new FilterError('Le gml:Envelope du filtre attend gml:lowerCorner et gml:upperCorner.');
    const [a, b] = numbers(lower.text);
    const [c, d] = numbers(upper.text);
    return { lower: [a!, b!], upper: [c!, d!], srsName };
  }
  const coordinates = child(envelope, 'coordinates');
  const coords = child(envelope, 'coord');
  if (coordinates) {
    const values = numbers(coordinates.text);
    if (values.length !== 4) throw new FilterError('Le gml:Box du filtre attend deux coins dans gml:coordinates.');
    return { lower: [values[0]!, values[1]!], upper: [values[2]!, values[3]!], srsName };
  }
  const corners = envelope.children.filter((c) => c.local === 'coord').map((c) => [Number(child(c, 'X')?.text), Number(child(c, 'Y')?.text)]);
  if (!coords || corners.length !== 2 || corners.flat().some((v) => !Number.isFinite(v))) throw new FilterError('Le gml:Box du filtre est incomplet.');
  return { lower: [corners[0]![0]!, corners[0]![1]!], upper: [corners[1]![0]!, corners[1]![1]!], srsName };
}

function likePattern(node: XmlNode): RegExp {
  const wild = node.attributes.wildCard ?? '*';
  const single = node.attributes.singleChar ?? '.';
  const escape = node.attributes.escapeChar ?? node.attributes.escape ?? '\\';
  const literal = literalOf(child(node, 'Literal'), 'PropertyIsLike');
  let source = '';
  for (let i = 0; i < literal.length; i++) {
    const c = literal[i]!;
    if (c === escape && i + 1 < literal.length) source += literal[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === wild) source += '.*';
    else if (c === single) source += '.';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const matchCase = node.attributes.matchCase !== 'false';
  return new RegExp(`^${source}$`, matchCase ? 's' : 'si');
}

function toFilter(node: XmlNode): Filter {
  switch (node.local) {
    case 'Filter': {
      const ids = node.children.filter((c) => ['ResourceId', 'FeatureId', 'GmlObjectId'].includes(c.local));
      if (ids.length > 0) {
        return { op: 'ids', ids: ids.map((c) => c.attributes.rid ?? c.attributes.fid ?? c.attributes.id ?? '').filter((v) => v !== '') };
      }
      if (node.children.length !== 1) throw new FilterError('Un filtre contient un seul opérateur (combinez-les avec And ou Or).');
      return toFilter(node.children[0]!);
    }
    case 'And':
    case 'Or':
      if (node.children.length < 2) throw new FilterError(`L’opérateur ${node.local} attend au moins deux conditions.`);
      return { op: node.local === 'And' ? 'and' : 'or', filters: node.children.map(toFilter) };
    case 'Not':
      if (node.children.length !== 1) throw new FilterError('L’opérateur Not attend une seule condition.');
      return { op: 'not', filter: toFilter(node.children[0]!) };
    case 'PropertyIsLike':
      return { op: 'like', property: propertyOf(node), pattern: likePattern(node) };
    case 'PropertyIsBetween':
      return {
        op: 'between', property: propertyOf(node),
        lower: literalOf(child(child(node, 'LowerBoundary') ?? node, 'Literal'), 'PropertyIsBetween'),
        upper: literalOf(child(child(node, 'UpperBoundary') ?? node, 'Literal'), 'PropertyIsBetween'),
      };
    case 'PropertyIsNull':
    case 'PropertyIsNil':
      return { op: 'null', property: propertyOf(node) };
    case 'BBOX':
      return { op: 'bbox', box: boxOf(node) };
    default: {
      const comparison = COMPARISONS[node.local];
      if (comparison) {
        return { op: 'compare', comparison, property: propertyOf(node), literal: literalOf(child(node, 'Literal'), node.local), matchCase: node.attributes.matchCase !== 'false' };
      }
      throw new FilterError(`Opérateur de filtre non pris en charge : ${node.local}.`, 'OperationNotSupported');
    }
  }
}

export function parseFilter(text: string): Filter {
  return filterFromElement(parseXml(text));
}

/** The filter of an already parsed Filter element (the fes:Filter / ogc:Filter of a WFS XML request). */
export function filterFromElement(root: XmlNode): Filter {
  if (root.local !== 'Filter') throw new FilterError('Le paramètre FILTER doit contenir un élément Filter.');
  return toFilter(root);
}

/** Compares a feature value and a literal: numerically when both are numbers, otherwise as text. */
function compare(value: unknown, literal: string, matchCase = true): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(literal);
  if (typeof value === 'number' && literal.trim() !== '' && Number.isFinite(n)) return value - n;
  if (typeof value === 'boolean') return String(value) === literal.toLowerCase() ? 0 : 1;
  const a = matchCase ? String(value) : String(value).toLowerCase();
  const b = matchCase ? literal : literal.toLowerCase();
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface CompiledFilter {
  /** Property names the filter uses, checked against the layer's fields by the caller. */
  properties: string[];
  /** Boxes ANDed at the top level: the index can restrict candidates to them. */
  boxes: FilterBox[];
  ids: string[] | null;
  test: (properties: Record<string, unknown>, featureBox: [number, number, number, number], id: string) => boolean;
}

/**
 * Compiles a filter. `boxTest` tells whether a feature box intersects a filter box (the caller converts CRS and
 * axis order).
 */
export function compileFilter(filter: Filter, boxTest: (box: FilterBox, featureBox: [number, number, number, number]) => boolean): CompiledFilter {
  const properties = new Set<string>();
  const build = (f: Filter): CompiledFilter['test'] => {
    switch (f.op) {
      case 'and': {
        const parts = f.filters.map(build);
        return (p, b, id) => parts.every((t) => t(p, b, id));
      }
      case 'or': {
        const parts = f.filters.map(build);
        return (p, b, id) => parts.some((t) => t(p, b, id));
      }
      case 'not': {
        const inner = build(f.filter);
        return (p, b, id) => !inner(p, b, id);
      }
      case 'compare': {
        properties.add(f.property);
        const ok = { eq: (c: number) => c === 0, ne: (c: number) => c !== 0, lt: (c: number) => c < 0, gt: (c: number) => c > 0, le: (c: number) => c <= 0, ge: (c: number) => c >= 0 }[f.comparison];
        return (p) => {
          const c = compare(p[f.property], f.literal, f.matchCase);
          return c !== null && ok(c);
        };
      }
      case 'like':
        properties.add(f.property);
        return (p) => p[f.property] !== null && p[f.property] !== undefined && f.pattern.test(String(p[f.property]));
      case 'between':
        properties.add(f.property);
        return (p) => {
          const low = compare(p[f.property], f.lower);
          const high = compare(p[f.property], f.upper);
          return low !== null && high !== null && low >= 0 && high <= 0;
        };
      case 'null':
        properties.add(f.property);
        return (p) => p[f.property] === null || p[f.property] === undefined;
      case 'bbox':
        return (_p, b) => boxTest(f.box, b);
      case 'ids': {
        const set = new Set(f.ids);
        return (_p, _b, id) => set.has(id);
      }
    }
  };
  const test = build(filter);
  const boxes = filter.op === 'bbox' ? [filter.box] : filter.op === 'and' ? filter.filters.flatMap((f) => (f.op === 'bbox' ? [f.box] : [])) : [];
  return { properties: [...properties], boxes, ids: filter.op === 'ids' ? filter.ids : null, test };
}
