// SLD 1.0.0 and SLD 1.1.0 / Symbology Encoding 1.1 import into the style model, and export of any style. Import
// accepts what the model can represent and refuses the rest with a precise message rather than dropping it; a WMS
// SLD_BODY (importSldLayers) is lenient instead: what the model cannot draw is left out (a rule whose filter it cannot
// evaluate is dropped, never drawn for every feature), and only an invalid document or value is refused.
import {
  POINT_SYMBOLS, normalizeForGeometry, validateStyle, type GeometryKind, type PointSymbol, type Style, type StyleClass,
  type StyleFilter, type StyleProblem,
} from './style';
import { child, childrenNamed, descendants, escapeXml, parseXml, textOf, XmlError, type XmlElement } from './xml-tree';

export const SLD_MAX_CHARS = 512 * 1024;

export type SldImport = { ok: true; style: Style } | { ok: false; problem: StyleProblem };

const fail = (key: string, params?: Record<string, string | number>): SldImport => ({ ok: false, problem: { key, params } });

class SldRefusal extends Error {
  constructor(readonly problem: StyleProblem) {
    super(problem.key);
  }
}

const refuse = (key: string, params?: Record<string, string | number>): never => {
  throw new SldRefusal({ key, params });
};

/** Thrown in lenient mode by a rule the model cannot evaluate: the rule is dropped. */
class SkippedRule extends Error {}

/** Reports something the model cannot represent: refused when strict, left out (caller's fallback) when lenient. */
function unsupported(lenient: boolean, key: string, params?: Record<string, string | number>): void {
  if (!lenient) refuse(key, params);
}

function parseSld(source: string): XmlElement | StyleProblem {
  let root: XmlElement;
  try {
    root = parseXml(source, { maxChars: SLD_MAX_CHARS, maxElements: 20_000, maxDepth: 48 });
  } catch (error) {
    if (!(error instanceof XmlError)) throw error;
    if (error.problem === 'doctype') return { key: 'style.sld.doctype' };
    if (error.problem === 'tooLarge') return { key: 'style.sld.tooLarge', params: { max: '512 Ko' } };
    if (error.problem === 'tooDeep') return { key: 'style.sld.tooDeep' };
    return { key: 'style.sld.syntax', params: { detail: error.detail.slice(0, 200) } };
  }
  if (root.local !== 'StyledLayerDescriptor') return { key: 'style.sld.notSld', params: { element: root.local } };
  return root;
}

/** A valid style read from a UserStyle (or the first of the document), or the refusal. */
function styleFrom(container: XmlElement, lenient: boolean): Style {
  const style = readStyle(container, lenient);
  const problems = validateStyle(style);
  if (problems.length) refuse(problems[0]!.key, problems[0]!.params);
  return style;
}

export function importSld(source: string): SldImport {
  const root = parseSld(source);
  if (!('local' in root)) return { ok: false, problem: root };
  try {
    return { ok: true, style: styleFrom(root, false) };
  } catch (error) {
    if (error instanceof SldRefusal) return { ok: false, problem: error.problem };
    throw error;
  }
}

/** A NamedLayer of an SLD_BODY: its own UserStyle, or a NamedStyle naming one of the layer's styles. */
export interface SldLayerStyle {
  layerName: string;
  style: Style | null;
  namedStyle: string | null;
}

export type SldLayersImport = { ok: true; layers: SldLayerStyle[] } | { ok: false; problem: StyleProblem };

/**
 * The NamedLayers of an SLD sent with a WMS GetMap (SLD_BODY), leniently: unsupported symbolizer parts are left out
 * and rules with filters the model cannot evaluate are dropped. UserLayers (inline or remote data) are ignored.
 */
export function importSldLayers(source: string): SldLayersImport {
  const root = parseSld(source);
  if (!('local' in root)) return { ok: false, problem: root };
  try {
    const layers = childrenNamed(root, 'NamedLayer').map((layer, index): SldLayerStyle => {
      const layerName = textOf(child(layer, 'Name'));
      if (!layerName) refuse('style.sld.layerName', { n: index + 1 });
      const userStyle = child(layer, 'UserStyle');
      if (userStyle) return { layerName, style: styleFrom(userStyle, true), namedStyle: null };
      const named = child(layer, 'NamedStyle');
      return { layerName, style: null, namedStyle: named ? textOf(child(named, 'Name')) : null };
    });
    if (layers.length === 0) return { ok: false, problem: { key: 'style.sld.noNamedLayer' } };
    return { ok: true, layers };
  } catch (error) {
    if (error instanceof SldRefusal) return { ok: false, problem: error.problem };
    throw error;
  }
}

/** Name, or the SE 1.1 Description/Title, or the SLD 1.0 Title. */
function titleOf(element: XmlElement): string {
  const description = child(element, 'Description');
  return textOf(child(element, 'Title')) || (description ? textOf(child(description, 'Title')) : '');
}

function readStyle(root: XmlElement, lenient: boolean): Style {
  const userStyle = root.local === 'UserStyle' ? root : descendants(root, 'UserStyle')[0];
  if (!userStyle) return refuse('style.sld.noUserStyle');
  const layer = descendants(root, 'NamedLayer')[0] ?? descendants(root, 'UserLayer')[0];
  const name = textOf(child(userStyle, 'Name')) || titleOf(userStyle) || (layer ? textOf(child(layer, 'Name')) : '') || 'Style importé';
  const rules = childrenNamed(userStyle, 'FeatureTypeStyle').flatMap((fts) => childrenNamed(fts, 'Rule'));
  const classes = rules.flatMap((rule, index) => {
    try {
      return [readRule(rule, index + 1, lenient)];
    } catch (error) {
      if (error instanceof SkippedRule) return [];
      throw error;
    }
  });
  if (classes.length === 0) return refuse('style.sld.noRule');
  return { name: name.slice(0, 200), classes };
}

function readRule(rule: XmlElement, n: number, lenient: boolean): StyleClass {
  const skipRule = (key: string, params: Record<string, string | number>) => {
    unsupported(lenient, key, params);
    throw new SkippedRule();
  };
  const cls: StyleClass = {
    title: titleOf(rule) || textOf(child(rule, 'Name')) || `Classe ${n}`,
    filter: null,
    fill: null,
    stroke: null,
    point: null,
    label: null,
  };
  if (child(rule, 'ElseFilter')) skipRule('style.sld.elseFilter', { n });
  const filter = child(rule, 'Filter');
  if (filter) {
    if (filter.children.length !== 1) skipRule('style.sld.unsupportedFilter', { n, element: filter.children.map((c) => c.local).join(', ') || 'Filter' });
    try {
      cls.filter = readFilter(filter.children[0]!, n);
    } catch (error) {
      if (!lenient || !(error instanceof SldRefusal)) throw error;
      throw new SkippedRule();
    }
  }
  for (const symbolizer of rule.children) {
    switch (symbolizer.local) {
      case 'PolygonSymbolizer':
        cls.fill ??= readFill(child(symbolizer, 'Fill'), lenient);
        cls.stroke ??= readStroke(child(symbolizer, 'Stroke'));
        break;
      case 'LineSymbolizer':
        cls.stroke ??= readStroke(child(symbolizer, 'Stroke'));
        break;
      case 'PointSymbolizer':
        readPoint(symbolizer, cls, n, lenient);
        break;
      case 'TextSymbolizer':
        cls.label ??= readLabel(symbolizer, n, lenient);
        break;
      case 'RasterSymbolizer':
        unsupported(lenient, 'style.sld.raster', { n });
    }
  }
  if (lenient && !cls.fill && !cls.stroke && !cls.point && !cls.label) throw new SkippedRule();
  return cls;
}

/** CssParameter (SLD 1.0) or SvgParameter (SE 1.1) values by name. */
function parameters(element: XmlElement | undefined): Map<string, string> {
  const values = new Map<string, string>();
  if (!element) return values;
  for (const p of element.children) {
    if (p.local === 'CssParameter' || p.local === 'SvgParameter') values.set(p.attributes.name ?? '', textOf(p));
  }
  return values;
}

function color(value: string | undefined, fallback: string): string {
  if (value === undefined || value === '') return fallback;
  const v = value.trim().toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(v)) return v;
  if (/^#[0-9a-f]{3}$/.test(v)) return `#${[...v.slice(1)].map((c) => c + c).join('')}`;
  return refuse('style.sld.color', { value: value.slice(0, 40) });
}

function number(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value.trim());
  if (!Number.isFinite(n)) return refuse('style.sld.number', { what, value: value.slice(0, 40) });
  return n;
}

function readFill(fill: XmlElement | undefined, lenient: boolean): StyleClass['fill'] {
  if (!fill) return null;
  if (child(fill, 'GraphicFill')) {
    unsupported(lenient, 'style.sld.graphicFill');
    return null;
  }
  const p = parameters(fill);
  return { color: color(p.get('fill'), '#808080'), opacity: number(p.get('fill-opacity'), 1, 'fill-opacity') };
}

function readStroke(stroke: XmlElement | undefined): StyleClass['stroke'] {
  if (!stroke) return null;
  const p = parameters(stroke);
  return { color: color(p.get('stroke'), '#000000'), width: number(p.get('stroke-width'), 1, 'stroke-width') };
}

function readPoint(symbolizer: XmlElement, cls: StyleClass, n: number, lenient: boolean): void {
  const graphic = child(symbolizer, 'Graphic');
  if (!graphic) return;
  const mark = child(graphic, 'Mark');
  // Lenient: an ExternalGraphic without a Mark is left out; an unknown mark is drawn as SLD's default square.
  if (child(graphic, 'ExternalGraphic')) {
    unsupported(lenient, 'style.sld.externalGraphic', { n });
    if (!mark) return;
  }
  let wellKnown = (mark ? textOf(child(mark, 'WellKnownName')) : '') || 'square';
  if (!POINT_SYMBOLS.includes(wellKnown as PointSymbol)) {
    unsupported(lenient, 'style.sld.mark', { n, value: wellKnown.slice(0, 40) });
    wellKnown = 'square';
  }
  cls.point ??= { symbol: wellKnown as PointSymbol, size: number(textOf(child(graphic, 'Size')) || undefined, 6, 'Size') };
  if (mark) {
    cls.fill ??= readFill(child(mark, 'Fill'), lenient);
    cls.stroke ??= readStroke(child(mark, 'Stroke'));
  }
}

function readLabel(symbolizer: XmlElement, n: number, lenient: boolean): StyleClass['label'] {
  const label = child(symbolizer, 'Label');
  const property = label ? child(label, 'PropertyName') : undefined;
  if (!label || !property || label.children.length !== 1 || label.text.trim()) {
    unsupported(lenient, 'style.sld.label', { n });
    return null;
  }
  const font = parameters(child(symbolizer, 'Font'));
  const fill = parameters(child(symbolizer, 'Fill'));
  return { attribute: textOf(property), size: number(font.get('font-size'), 10, 'font-size'), color: color(fill.get('fill'), '#000000') };
}

const COMPARISONS: Record<string, StyleFilter['operator']> = {
  PropertyIsEqualTo: '=',
  PropertyIsNotEqualTo: '!=',
  PropertyIsLessThan: '<',
  PropertyIsLessThanOrEqualTo: '<=',
  PropertyIsGreaterThan: '>',
  PropertyIsGreaterThanOrEqualTo: '>=',
};

/** Property and literal of a binary comparison, in either order (SLD allows both). */
function operands(element: XmlElement, n: number): { attribute: string; value: string } {
  const property = child(element, 'PropertyName') ?? child(element, 'ValueReference');
  const literal = child(element, 'Literal');
  if (!property || !literal || element.children.length !== 2) return refuse('style.sld.unsupportedFilter', { n, element: element.local });
  return { attribute: textOf(property), value: textOf(literal) };
}

function readFilter(element: XmlElement, n: number): StyleFilter {
  const comparison = COMPARISONS[element.local];
  if (comparison) {
    const { attribute, value } = operands(element, n);
    return { attribute, operator: comparison, values: [value] };
  }
  if (element.local === 'PropertyIsBetween') {
    const property = child(element, 'PropertyName') ?? child(element, 'ValueReference');
    const lower = child(element, 'LowerBoundary');
    const upper = child(element, 'UpperBoundary');
    if (!property || !lower || !upper) return refuse('style.sld.unsupportedFilter', { n, element: element.local });
    return { attribute: textOf(property), operator: 'between', values: [textOf(lower), textOf(upper)] };
  }
  if (element.local === 'PropertyIsLike') {
    const { attribute, value } = operands(element, n);
    return { attribute, operator: 'like', values: [likePattern(value, element.attributes, n)] };
  }
  // An Or of equalities on one attribute is the model's "in".
  if (element.local === 'Or') {
    const equalities = element.children.map((c) => (c.local === 'PropertyIsEqualTo' ? operands(c, n) : null));
    const attribute = equalities[0]?.attribute;
    if (attribute !== undefined && equalities.every((e) => e && e.attribute === attribute)) {
      return { attribute, operator: 'in', values: equalities.map((e) => e!.value) };
    }
  }
  return refuse('style.sld.unsupportedFilter', { n, element: element.local });
}

/** Rewrites the SLD's declared wildcards into the model's `*` and `?`. */
function likePattern(pattern: string, attributes: Record<string, string>, n: number): string {
  const wild = attributes.wildCard ?? '*';
  const single = attributes.singleChar ?? '?';
  const escape = attributes.escapeChar ?? attributes.escape ?? '\\';
  let out = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === escape && i + 1 < chars.length) {
      const literal = chars[++i];
      if (literal === '*' || literal === '?') refuse('style.sld.likeLiteral', { n });
      out += literal;
    } else if (ch === wild) out += '*';
    else if (ch === single) out += '?';
    else if (ch === '*' || ch === '?') refuse('style.sld.likeLiteral', { n });
    else out += ch;
  }
  return out;
}

export type SldVersion = '1.0.0' | '1.1.0';

/**
 * SLD for a style. With a geometry kind, only the symbolizers that kind draws are written (a point layer gets a
 * PointSymbolizer, not a PolygonSymbolizer), which is what other engines expect.
 */
export function exportSld(style: Style, options: { layerName: string; geometry?: GeometryKind; version?: SldVersion }): string {
  const version = options.version ?? '1.0.0';
  const se = version === '1.1.0' ? 'se:' : '';
  const param = version === '1.1.0' ? 'se:SvgParameter' : 'CssParameter';
  const s = options.geometry ? normalizeForGeometry(style, options.geometry) : style;
  const e = escapeXml;
  const p = (name: string, value: string | number) => `<${param} name="${name}">${e(String(value))}</${param}>`;
  const fill = (f: NonNullable<StyleClass['fill']>) => `<${se}Fill>${p('fill', f.color)}${p('fill-opacity', f.opacity)}</${se}Fill>`;
  const stroke = (k: NonNullable<StyleClass['stroke']>) => `<${se}Stroke>${p('stroke', k.color)}${p('stroke-width', k.width)}</${se}Stroke>`;
  const property = (name: string) => `<ogc:PropertyName>${e(name)}</ogc:PropertyName>`;
  const literal = (value: string) => `<ogc:Literal>${e(value)}</ogc:Literal>`;
  const comparisonNames = Object.fromEntries(Object.entries(COMPARISONS).map(([k, v]) => [v, k]));
  const filterXml = (f: StyleFilter): string => {
    switch (f.operator) {
      case 'between':
        return `<ogc:PropertyIsBetween>${property(f.attribute)}<ogc:LowerBoundary>${literal((f.values[0] ?? ''))}</ogc:LowerBoundary><ogc:UpperBoundary>${literal((f.values[1] ?? ''))}</ogc:UpperBoundary></ogc:PropertyIsBetween>`;
      case 'like': {
        const escapeAttribute = version === '1.1.0' ? 'escapeChar' : 'escape';
        return `<ogc:PropertyIsLike wildCard="*" singleChar="?" ${escapeAttribute}="\\">${property(f.attribute)}${literal((f.values[0] ?? ''))}</ogc:PropertyIsLike>`;
      }
      case 'in': {
        const equalities = f.values.map((v) => `<ogc:PropertyIsEqualTo>${property(f.attribute)}${literal(v)}</ogc:PropertyIsEqualTo>`).join('');
        return f.values.length === 1 ? equalities : `<ogc:Or>${equalities}</ogc:Or>`;
      }
      default:
        return `<ogc:${comparisonNames[f.operator]}>${property(f.attribute)}${literal((f.values[0] ?? ''))}</ogc:${comparisonNames[f.operator]}>`;
    }
  };
  const rule = (c: StyleClass, index: number): string => {
    const parts: string[] = [`<${se}Name>${e(`classe-${index + 1}`)}</${se}Name>`];
    parts.push(version === '1.1.0' ? `<se:Description><se:Title>${e(c.title)}</se:Title></se:Description>` : `<Title>${e(c.title)}</Title>`);
    if (c.filter) parts.push(`<ogc:Filter>${filterXml(c.filter)}</ogc:Filter>`);
    if (options.geometry !== 'point') {
      if (c.fill) parts.push(`<${se}PolygonSymbolizer>${fill(c.fill)}${c.stroke ? stroke(c.stroke) : ''}</${se}PolygonSymbolizer>`);
      else if (c.stroke) parts.push(`<${se}LineSymbolizer>${stroke(c.stroke)}</${se}LineSymbolizer>`);
    }
    if (c.point) {
      const mark = `<${se}Mark><${se}WellKnownName>${c.point.symbol}</${se}WellKnownName>${c.fill ? fill(c.fill) : ''}${c.stroke ? stroke(c.stroke) : ''}</${se}Mark>`;
      parts.push(`<${se}PointSymbolizer><${se}Graphic>${mark}<${se}Size>${c.point.size}</${se}Size></${se}Graphic></${se}PointSymbolizer>`);
    }
    if (c.label) {
      parts.push(
        `<${se}TextSymbolizer><${se}Label>${property(c.label.attribute)}</${se}Label><${se}Font>${p('font-family', 'sans-serif')}${p('font-size', c.label.size)}</${se}Font><${se}Fill>${p('fill', c.label.color)}</${se}Fill></${se}TextSymbolizer>`,
      );
    }
    return `<${se}Rule>${parts.join('')}</${se}Rule>`;
  };
  const namespaces = version === '1.1.0'
    ? 'xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se" xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd"'
    : 'xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd"';
  const styleTitle = version === '1.1.0' ? `<se:Description><se:Title>${e(s.name)}</se:Title></se:Description>` : `<Title>${e(s.name)}</Title>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="${version}" ${namespaces}>
<NamedLayer><${se}Name>${e(options.layerName)}</${se}Name><UserStyle><${se}Name>${e(s.name)}</${se}Name>${styleTitle}<${se}FeatureTypeStyle>
${s.classes.map(rule).join('\n')}
</${se}FeatureTypeStyle></UserStyle></NamedLayer>
</StyledLayerDescriptor>
`;
}
