// The style editor form: one fieldset per class, fields named `c{i}-…`, read back into a Style. Works without
// JavaScript (add and remove are submit buttons); the script only refreshes the preview as fields change.
import { FILTER_OPERATORS, POINT_SYMBOLS, type FilterOperator, type GeometryKind, type PointSymbol, type Style, type StyleClass } from '../../domain/style';
import { t, type MessageKey } from '../../i18n';
import { html, type Html } from '../../render/html';
import { LANG } from '../pages';

export const MAX_FORM_CLASSES = 50;

const OPERATOR_LABELS: Record<FilterOperator, MessageKey> = {
  '=': 'style.operator.eq', '!=': 'style.operator.ne', '<': 'style.operator.lt', '<=': 'style.operator.le', '>': 'style.operator.gt',
  '>=': 'style.operator.ge', between: 'style.operator.between', like: 'style.operator.like', in: 'style.operator.in',
};
const SYMBOL_LABELS: Record<PointSymbol, MessageKey> = {
  circle: 'style.symbol.circle', square: 'style.symbol.square', triangle: 'style.symbol.triangle', star: 'style.symbol.star',
};

const number = (value: string | undefined, fallback: number) => {
  const n = Number((value ?? '').replace(',', '.'));
  return value === undefined || value.trim() === '' || !Number.isFinite(n) ? fallback : n;
};

/** Filter values are typed separated by « ; » (two for « entre », several for « parmi »). */
function splitValues(operator: FilterOperator, raw: string): string[] {
  if (operator === 'between' || operator === 'in') return raw.split(';').map((v) => v.trim()).filter((v) => v !== '');
  return [raw.trim()];
}

/** Reads the posted fields; `removed` drops a class (the « Supprimer » button). */
export function styleFromForm(values: Record<string, string>, kind: GeometryKind, removed: number | null = null): Style {
  const count = Math.min(MAX_FORM_CLASSES, Math.max(0, Math.trunc(number(values.classes, 0))));
  const classes: StyleClass[] = [];
  for (let i = 0; i < count; i++) {
    if (i === removed) continue;
    const v = (name: string) => values[`c${i}-${name}`];
    const attribute = (v('filter-attribute') ?? '').trim();
    const operator = (FILTER_OPERATORS as readonly string[]).includes(v('filter-operator') ?? '') ? (v('filter-operator') as FilterOperator) : '=';
    const labelAttribute = (v('label-attribute') ?? '').trim();
    const symbol = (POINT_SYMBOLS as readonly string[]).includes(v('point-symbol') ?? '') ? (v('point-symbol') as PointSymbol) : 'circle';
    classes.push({
      title: (v('title') ?? '').trim(),
      filter: attribute ? { attribute, operator, values: splitValues(operator, v('filter-values') ?? '') } : null,
      fill: v('fill') === 'on' && kind !== 'line' ? { color: (v('fill-color') ?? '').toLowerCase(), opacity: number(v('fill-opacity'), 1) } : null,
      stroke: v('stroke') === 'on' ? { color: (v('stroke-color') ?? '').toLowerCase(), width: number(v('stroke-width'), 1) } : null,
      point: kind === 'point' ? { symbol, size: number(v('point-size'), 8) } : null,
      label: labelAttribute ? { attribute: labelAttribute, size: number(v('label-size'), 11), color: (v('label-color') ?? '#000000').toLowerCase() } : null,
    });
  }
  return { name: (values.name ?? '').trim(), classes };
}

export function newClass(kind: GeometryKind, index: number): StyleClass {
  return {
    title: t(LANG, 'style.class.defaultTitle', { n: index + 1 }),
    filter: null,
    fill: kind === 'line' ? null : { color: '#3182bd', opacity: 0.6 },
    stroke: { color: '#08519c', width: 1 },
    point: kind === 'point' ? { symbol: 'circle', size: 8 } : null,
    label: null,
  };
}

function options(choices: ReadonlyArray<{ value: string; label: string }>, selected: string): Html[] {
  return choices.map((c) => html`<option value="${c.value}"${c.value === selected ? html` selected` : ''}>${c.label}</option>`);
}

/** One class's fieldset. Ids carry the class index so every label points at its own field. */
export function classFieldset(cls: StyleClass, i: number, kind: GeometryKind, fields: readonly string[]): Html {
  const id = (name: string) => `c${i}-${name}`;
  const attributeChoices = [{ value: '', label: t(LANG, 'style.filter.none') }, ...fields.map((f) => ({ value: f, label: f }))];
  const labelChoices = [{ value: '', label: t(LANG, 'style.label.none') }, ...fields.map((f) => ({ value: f, label: f }))];
  const filterValues = cls.filter ? cls.filter.values.join(cls.filter.operator === 'between' || cls.filter.operator === 'in' ? ' ; ' : '') : '';
  const input = (name: string, label: string, control: Html) => html`<div class="field style-field"><label for="${id(name)}">${label}</label>${control}</div>`;
  return html`<fieldset class="style-class" data-style-class="${i}">
<legend>${t(LANG, 'style.class.legend', { n: i + 1 })}</legend>
${input('title', t(LANG, 'style.class.title'), html`<input type="text" id="${id('title')}" name="${id('title')}" value="${cls.title}" maxlength="200">`)}
<div class="style-row">
${input('filter-attribute', t(LANG, 'style.filter.attribute'), html`<select id="${id('filter-attribute')}" name="${id('filter-attribute')}">${options(attributeChoices, cls.filter?.attribute ?? '')}</select>`)}
${input('filter-operator', t(LANG, 'style.filter.operator'), html`<select id="${id('filter-operator')}" name="${id('filter-operator')}">${options(FILTER_OPERATORS.map((o) => ({ value: o, label: t(LANG, OPERATOR_LABELS[o]) })), cls.filter?.operator ?? '=')}</select>`)}
<div class="field style-field"><label for="${id('filter-values')}">${t(LANG, 'style.filter.values')}</label>
<input type="text" id="${id('filter-values')}" name="${id('filter-values')}" value="${filterValues}" aria-describedby="hint-${id('filter-values')}">
<p class="field-hint" id="hint-${id('filter-values')}">${t(LANG, 'style.filter.valuesHint')}</p></div>
</div>
<div class="style-row">
${kind === 'line' ? '' : html`<div class="field style-field"><input type="checkbox" id="${id('fill')}" name="${id('fill')}"${cls.fill ? html` checked` : ''}> <label for="${id('fill')}">${t(LANG, 'style.fill')}</label></div>
${input('fill-color', t(LANG, 'style.fill.color'), html`<input type="color" id="${id('fill-color')}" name="${id('fill-color')}" value="${cls.fill?.color ?? '#3182bd'}">`)}
${input('fill-opacity', t(LANG, 'style.fill.opacity'), html`<input type="number" id="${id('fill-opacity')}" name="${id('fill-opacity')}" min="0" max="1" step="0.05" value="${cls.fill?.opacity ?? 0.6}">`)}`}
</div>
<div class="style-row">
<div class="field style-field"><input type="checkbox" id="${id('stroke')}" name="${id('stroke')}"${cls.stroke ? html` checked` : ''}> <label for="${id('stroke')}">${t(LANG, 'style.stroke')}</label></div>
${input('stroke-color', t(LANG, 'style.stroke.color'), html`<input type="color" id="${id('stroke-color')}" name="${id('stroke-color')}" value="${cls.stroke?.color ?? '#08519c'}">`)}
${input('stroke-width', t(LANG, 'style.stroke.width'), html`<input type="number" id="${id('stroke-width')}" name="${id('stroke-width')}" min="0" max="50" step="0.5" value="${cls.stroke?.width ?? 1}">`)}
</div>
${kind === 'point' ? html`<div class="style-row">
${input('point-symbol', t(LANG, 'style.point.symbol'), html`<select id="${id('point-symbol')}" name="${id('point-symbol')}">${options(POINT_SYMBOLS.map((s) => ({ value: s, label: t(LANG, SYMBOL_LABELS[s]) })), cls.point?.symbol ?? 'circle')}</select>`)}
${input('point-size', t(LANG, 'style.point.size'), html`<input type="number" id="${id('point-size')}" name="${id('point-size')}" min="1" max="100" step="1" value="${cls.point?.size ?? 8}">`)}
</div>` : ''}
<div class="style-row">
${input('label-attribute', t(LANG, 'style.label.attribute'), html`<select id="${id('label-attribute')}" name="${id('label-attribute')}">${options(labelChoices, cls.label?.attribute ?? '')}</select>`)}
${input('label-size', t(LANG, 'style.label.size'), html`<input type="number" id="${id('label-size')}" name="${id('label-size')}" min="4" max="72" step="1" value="${cls.label?.size ?? 11}">`)}
${input('label-color', t(LANG, 'style.label.color'), html`<input type="color" id="${id('label-color')}" name="${id('label-color')}" value="${cls.label?.color ?? '#000000'}">`)}
</div>
<button type="submit" name="action" value="remove-${i}" class="button button-secondary">${t(LANG, 'style.class.remove', { n: i + 1 })}</button>
</fieldset>`;
}
