// Layer styles: a name and ordered classes, each with an optional attribute filter and its symbols. One model
// drives WMS GetMap, the legend, the web map and SLD export; SLD import produces it (domain/sld.ts).

export type GeometryKind = 'point' | 'line' | 'polygon';
export type FilterOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'between' | 'like' | 'in';
export type PointSymbol = 'circle' | 'square' | 'triangle' | 'star';

export const FILTER_OPERATORS: readonly FilterOperator[] = ['=', '!=', '<', '<=', '>', '>=', 'between', 'like', 'in'];
export const POINT_SYMBOLS: readonly PointSymbol[] = ['circle', 'square', 'triangle', 'star'];

/**
 * `values` holds one value, two for `between` (low, high), one or more for `in`. `like` patterns use `*` for any
 * run of characters and `?` for one character (SLD export declares exactly these).
 */
export interface StyleFilter {
  attribute: string;
  operator: FilterOperator;
  values: string[];
}

export interface StyleClass {
  title: string;
  /** null: every feature. */
  filter: StyleFilter | null;
  fill: { color: string; opacity: number } | null;
  stroke: { color: string; width: number } | null;
  /** The marker drawn at points (its fill and outline are the class's fill and stroke). */
  point: { symbol: PointSymbol; size: number } | null;
  label: { attribute: string; size: number; color: string } | null;
}

export interface Style {
  name: string;
  classes: StyleClass[];
}

/** The style kind of a layer's geometry type (Point, MultiLineString…). */
export function geometryKindOf(type: string | null | undefined): GeometryKind {
  if (type?.includes('Point')) return 'point';
  if (type?.includes('LineString')) return 'line';
  return 'polygon';
}

export const MAX_CLASSES = 50;
export const MAX_IN_VALUES = 200;
const COLOR = /^#[0-9a-f]{6}$/;

/** A validation problem: message key of the `style.*` table and its parameters. */
export interface StyleProblem {
  key: string;
  params?: Record<string, string | number>;
}

export function defaultStyle(kind: GeometryKind, name = 'Style par défaut'): Style {
  const base: StyleClass = { title: 'Tous les objets', filter: null, fill: null, stroke: null, point: null, label: null };
  switch (kind) {
    case 'point':
      return { name, classes: [{ ...base, fill: { color: '#e6550d', opacity: 1 }, stroke: { color: '#7f2704', width: 1 }, point: { symbol: 'circle', size: 8 } }] };
    case 'line':
      return { name, classes: [{ ...base, stroke: { color: '#08519c', width: 2 } }] };
    case 'polygon':
      return { name, classes: [{ ...base, fill: { color: '#9ecae1', opacity: 0.6 }, stroke: { color: '#08519c', width: 1 } }] };
  }
}

/**
 * Drops the symbols a geometry kind cannot show, so that exported SLD carries only the symbolizers other engines
 * would draw, and gives points a marker.
 */
export function normalizeForGeometry(style: Style, kind: GeometryKind): Style {
  return {
    name: style.name,
    classes: style.classes.map((c) => {
      if (kind === 'polygon') return { ...c, point: null };
      if (kind === 'line') return { ...c, fill: null, point: null };
      return { ...c, point: c.point ?? { symbol: 'circle', size: 8 } };
    }),
  };
}

function valueCount(operator: FilterOperator): [number, number] {
  if (operator === 'between') return [2, 2];
  if (operator === 'in') return [1, MAX_IN_VALUES];
  return [1, 1];
}

/** Checks a style built by the editor or an SLD import; an empty list means valid. */
export function validateStyle(style: Style): StyleProblem[] {
  const problems: StyleProblem[] = [];
  if (!style.name.trim()) problems.push({ key: 'style.error.nameRequired' });
  if (style.name.length > 200) problems.push({ key: 'style.error.nameTooLong' });
  if (style.classes.length === 0) problems.push({ key: 'style.error.noClass' });
  if (style.classes.length > MAX_CLASSES) problems.push({ key: 'style.error.tooManyClasses', params: { max: MAX_CLASSES } });
  style.classes.forEach((c, index) => {
    const n = index + 1;
    if (c.title.length > 200) problems.push({ key: 'style.error.titleTooLong', params: { n } });
    if (c.filter) {
      if (!c.filter.attribute.trim()) problems.push({ key: 'style.error.filterAttribute', params: { n } });
      const [min, max] = valueCount(c.filter.operator);
      if (c.filter.values.length < min || c.filter.values.length > max) problems.push({ key: 'style.error.filterValues', params: { n } });
      if (c.filter.operator === 'between' && c.filter.values.some((v) => !isNumeric(v))) problems.push({ key: 'style.error.betweenNumbers', params: { n } });
    }
    if (c.fill && (!COLOR.test(c.fill.color) || !(c.fill.opacity >= 0 && c.fill.opacity <= 1))) problems.push({ key: 'style.error.fill', params: { n } });
    if (c.stroke && (!COLOR.test(c.stroke.color) || !(c.stroke.width >= 0 && c.stroke.width <= 50))) problems.push({ key: 'style.error.stroke', params: { n } });
    if (c.point && (!POINT_SYMBOLS.includes(c.point.symbol) || !(c.point.size >= 1 && c.point.size <= 100))) problems.push({ key: 'style.error.point', params: { n } });
    if (c.label && (!c.label.attribute.trim() || !COLOR.test(c.label.color) || !(c.label.size >= 4 && c.label.size <= 72))) {
      problems.push({ key: 'style.error.label', params: { n } });
    }
    if (!c.fill && !c.stroke && !c.point && !c.label) problems.push({ key: 'style.error.nothingDrawn', params: { n } });
  });
  return problems;
}

function isNumeric(value: string): boolean {
  return value.trim() !== '' && Number.isFinite(Number(value));
}

type Value = string | number | boolean | null | undefined;

/** Numbers compare as numbers when both sides are numeric, otherwise as text (as MapServer and GeoServer do). */
function compare(actual: Value, expected: string): number | null {
  if (actual === null || actual === undefined) return null;
  const text = String(actual);
  if (isNumeric(text) && isNumeric(expected)) return Number(text) - Number(expected);
  return text < expected ? -1 : text > expected ? 1 : 0;
}

function likeToRegExp(pattern: string): RegExp {
  const source = [...pattern].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 's');
}

/** A feature without the attribute matches no comparison (SQL's NULL rule). */
function ordered(read: (p: Record<string, unknown> | null) => Value, expected: string, test: (c: number) => boolean) {
  return (p: Record<string, unknown> | null) => {
    const c = compare(read(p), expected);
    return c !== null && test(c);
  };
}

/** A compiled test, so a filter's pattern is built once per request rather than per feature. */
export function compileFilter(filter: StyleFilter | null): (properties: Record<string, unknown> | null) => boolean {
  if (!filter) return () => true;
  const { attribute, operator, values } = filter;
  const [first = '', second = ''] = values;
  const read = (p: Record<string, unknown> | null) => (p ? (p[attribute] as Value) : undefined);
  switch (operator) {
    case '=':
      return (p) => compare(read(p), first) === 0;
    case '!=':
      return ordered(read, first, (c) => c !== 0);
    case '<':
      return ordered(read, first, (c) => c < 0);
    case '<=':
      return ordered(read, first, (c) => c <= 0);
    case '>':
      return ordered(read, first, (c) => c > 0);
    case '>=':
      return ordered(read, first, (c) => c >= 0);
    case 'between':
      return (p) => {
        const low = compare(read(p), first);
        const high = compare(read(p), second);
        return low !== null && high !== null && low >= 0 && high <= 0;
      };
    case 'like': {
      const re = likeToRegExp(first);
      return (p) => read(p) != null && re.test(String(read(p)));
    }
    case 'in':
      return (p) => values.some((v) => compare(read(p), v) === 0);
  }
}

/** Reads the editor's JSON (the form posts the whole style as one JSON field) into a Style, or null if its shape is wrong. */
export function styleFromJson(value: unknown): Style | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (typeof v.name !== 'string' || !Array.isArray(v.classes)) return null;
  const classes: StyleClass[] = [];
  for (const raw of v.classes.slice(0, MAX_CLASSES + 1)) {
    if (!raw || typeof raw !== 'object') return null;
    const c = raw as Record<string, unknown>;
    const obj = (x: unknown) => (x && typeof x === 'object' ? (x as Record<string, unknown>) : null);
    const str = (x: unknown) => (typeof x === 'string' ? x : String(x ?? ''));
    const num = (x: unknown) => (typeof x === 'number' ? x : Number(x));
    const f = obj(c.filter);
    const fill = obj(c.fill);
    const stroke = obj(c.stroke);
    const point = obj(c.point);
    const label = obj(c.label);
    const operator = f && FILTER_OPERATORS.includes(f.operator as FilterOperator) ? (f.operator as FilterOperator) : null;
    if (f && !operator) return null;
    classes.push({
      title: str(c.title),
      filter: f && operator
        ? { attribute: str(f.attribute), operator, values: Array.isArray(f.values) ? f.values.slice(0, MAX_IN_VALUES + 1).map(str) : [] }
        : null,
      fill: fill ? { color: str(fill.color).toLowerCase(), opacity: num(fill.opacity) } : null,
      stroke: stroke ? { color: str(stroke.color).toLowerCase(), width: num(stroke.width) } : null,
      point: point ? { symbol: str(point.symbol) as PointSymbol, size: num(point.size) } : null,
      label: label ? { attribute: str(label.attribute), size: num(label.size), color: str(label.color).toLowerCase() } : null,
    });
  }
  return { name: v.name, classes };
}
