// The chart builder: type, X axis, one or more series, aggregation by category. The rules and the query come
// from worker/src/domain/datastore-chart.ts (the Worker checks saved views with the same code); the points are
// computed by datastore_search_sql and drawn by Chart.js, with the numbers also given as a table.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement,
  PieController, PointElement, ScatterController, Title, Tooltip, type ChartConfiguration,
} from 'chart.js';
import {
  AGGREGATIONS, CHART_TYPES, ChartRefused, MAX_CATEGORIES, MAX_POINTS, chartData, chartSql, checkChart, checkView, type ChartSpec, type SavedView,
} from '../../../worker/src/domain/datastore-chart';
import { action, ApiError, el, formatNumber, type Config, type Translate } from './common';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement,
  PieController, PointElement, ScatterController, Title, Tooltip);

// Colours readable on white (contrast ≥ 3:1 for graphics), distinguishable by most colour-blind readers.
const PALETTE = ['#0063cb', '#c4320a', '#18753c', '#6a1b9a', '#8a6100', '#00708a', '#b0006d', '#3a3a3a'];

interface SqlResult {
  records: Array<Record<string, unknown>>;
  records_truncated?: boolean;
}

export function mountChart(root: HTMLElement, config: Config, t: Translate): { drawSaved(): void } {
  const id = (name: string) => `chart-${name}`;
  const numeric = config.fields.filter((f) => f.type === 'integer' || f.type === 'decimal');
  const typeSelect = el('select', { id: id('type'), name: 'type' }, ...CHART_TYPES.map((c) => el('option', { value: c }, t(`datastore.explorer.chart.${c}`))));
  const xSelect = el('select', { id: id('x'), name: 'x' },
    ...config.fields.filter((f) => f.type !== 'geometry').map((f) => el('option', { value: f.id }, f.label)));
  const aggSelect = el('select', { id: id('aggregation'), name: 'aggregation' }, ...AGGREGATIONS.map((a) => el('option', { value: a }, t(`datastore.explorer.agg.${a}`))));
  const titleInput = el('input', { id: id('title'), name: 'title', type: 'text', maxlength: '120' });
  const seriesBoxes = config.fields.filter((f) => f.type !== 'geometry').map((f) => {
    const box = el('input', { type: 'checkbox', name: 'series', value: f.id, id: id(`series-${f.id}`) });
    return { box, item: el('li', {}, box, ' ', el('label', { for: box.id }, f.label)), numeric: numeric.includes(f) };
  });
  const message = el('div', { class: 'explorer-error', role: 'alert' });
  const saved = el('p', { class: 'explorer-saved', role: 'status' });
  const canvas = el('canvas', { role: 'img' });
  const figure = el('figure', { class: 'explorer-chart', hidden: true }, el('div', { class: 'explorer-chart-canvas' }, canvas));
  const dataTable = el('details', { class: 'explorer-chart-data', hidden: true });
  const draw = el('button', { type: 'submit', class: 'button' }, t('datastore.explorer.draw'));
  const form = el('form', { class: 'explorer-chart-form' },
    el('p', { class: 'field' }, el('label', { for: typeSelect.id }, t('datastore.explorer.chartType')), typeSelect),
    el('p', { class: 'field' }, el('label', { for: xSelect.id }, t('datastore.explorer.xAxis')), xSelect),
    el('fieldset', { class: 'field' }, el('legend', {}, t('datastore.explorer.series')), el('ul', { class: 'explorer-series' }, ...seriesBoxes.map((s) => s.item))),
    el('p', { class: 'field' }, el('label', { for: aggSelect.id }, t('datastore.explorer.aggregation')), aggSelect),
    el('p', { class: 'field' }, el('label', { for: titleInput.id }, t('datastore.explorer.chartTitle')), titleInput),
    el('p', { class: 'form-actions' }, draw));
  const saveButton = el('button', { type: 'button', class: 'button button-secondary', hidden: true }, t('datastore.explorer.save'));
  const unsaveButton = el('button', { type: 'button', class: 'link-button', hidden: true }, t('datastore.explorer.unsave'));
  const defaultNote = el('p', { class: 'muted', hidden: true }, t('datastore.explorer.defaultView'));
  root.append(defaultNote, form, message, figure, dataTable, el('p', { class: 'explorer-save' }, saveButton, unsaveButton), saved);

  let chart: Chart | null = null;
  let current: SavedView | null = null;
  let savedView = config.view;
  const syncSaveButtons = () => {
    saveButton.hidden = !config.csrf || !current;
    unsaveButton.hidden = !config.csrf || !savedView;
  };

  // Numbers only for sums and averages; any column may be counted.
  const syncSeries = () => {
    const counting = aggSelect.value === 'count';
    for (const s of seriesBoxes) {
      s.item.hidden = !counting && !s.numeric;
      if (s.item.hidden) s.box.checked = false;
    }
  };
  aggSelect.addEventListener('change', syncSeries);
  syncSeries();

  const fill = (view: SavedView) => {
    typeSelect.value = view.chart.type;
    xSelect.value = view.chart.x;
    aggSelect.value = view.chart.aggregation;
    syncSeries();
    for (const s of seriesBoxes) s.box.checked = view.chart.series.includes(s.box.value);
    titleInput.value = view.title;
  };

  const label = (field: string) => config.fields.find((f) => f.id === field)?.label ?? field;

  async function render(view: SavedView): Promise<void> {
    const spec = view.chart;
    const result = await action<SqlResult>('datastore_search_sql', { sql: chartSql(spec, config.resourceId) });
    const { labels, values } = chartData(spec, result.records);
    const names = spec.series.length === 0 ? [t('datastore.explorer.countSeries')] : spec.series.map(label);
    const max = spec.aggregation === 'none' ? MAX_POINTS : MAX_CATEGORIES;
    const notes: string[] = [];
    if (labels.length === 0) notes.push(t('datastore.explorer.chartEmpty'));
    if (labels.length >= max) notes.push(t('datastore.explorer.chartTruncated', { count: max }));
    message.replaceChildren(...notes.map((n) => el('p', { class: 'muted' }, n)));
    chart?.destroy();
    const pie = spec.type === 'pie';
    const datasets = values.map((data, i) => {
      const colour = PALETTE[i % PALETTE.length]!;
      if (spec.type === 'scatter') return { label: names[i], data: data.map((y, j) => ({ x: Number(labels[j]), y })), backgroundColor: colour, borderColor: colour };
      return {
        label: names[i], data,
        backgroundColor: pie ? labels.map((_, j) => PALETTE[j % PALETTE.length]!) : spec.type === 'area' ? `${colour}55` : colour,
        borderColor: pie ? '#fff' : colour,
        fill: spec.type === 'area',
        pointRadius: spec.type === 'line' || spec.type === 'area' ? 2 : undefined,
      };
    });
    const title = view.title || `${names.join(', ')} / ${label(spec.x)}`;
    const chartConfig = {
      type: spec.type === 'area' ? 'line' : spec.type,
      data: { labels, datasets },
      options: {
        animation: false,
        locale: 'fr-FR',
        responsive: true,
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: title, color: '#161616', font: { size: 16 } }, legend: { display: pie || datasets.length > 1 } },
        scales: pie ? {} : { x: { type: spec.type === 'scatter' ? 'linear' : 'category', title: { display: true, text: label(spec.x) } }, y: { beginAtZero: spec.type === 'bar' } },
      },
    } as ChartConfiguration;
    figure.hidden = false;
    canvas.setAttribute('aria-label', title);
    chart = new Chart(canvas, chartConfig);
    // The same numbers as text, for screen readers and for copying.
    dataTable.hidden = labels.length === 0;
    dataTable.replaceChildren(el('summary', {}, t('datastore.explorer.chartData')), el('div', { class: 'table-scroll' }, el('table', { class: 'data-table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, label(spec.x)), ...names.map((n) => el('th', { scope: 'col' }, n)))),
      el('tbody', {}, ...labels.map((l, j) => el('tr', {}, el('th', { scope: 'row' }, l),
        ...values.map((v) => el('td', { class: 'numeric' }, v[j] === null ? '' : formatNumber(v[j]!)))))))));
    current = view;
    syncSaveButtons();
  }

  const show = (error: unknown) => {
    const text = error instanceof ChartRefused ? t(error.notice.key, Object.fromEntries(Object.entries(error.notice.params ?? {})))
      : error instanceof ApiError ? t('datastore.explorer.error', { message: error.message }) : String(error);
    message.replaceChildren(el('p', {}, text));
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    saved.textContent = '';
    try {
      const chart: ChartSpec = checkChart({
        type: typeSelect.value, x: xSelect.value, aggregation: aggSelect.value,
        series: seriesBoxes.filter((s) => s.box.checked && !s.item.hidden).map((s) => s.box.value),
      }, config.fields);
      const view = checkView({ chart, title: titleInput.value }, config.fields);
      void render(view).catch(show);
    } catch (error) {
      show(error);
    }
  });

  async function post(path: string, body: Record<string, string>): Promise<SavedView | null> {
    const response = await fetch(path, { method: 'POST', body: new URLSearchParams({ _csrf: config.csrf ?? '', ...body }), credentials: 'same-origin' });
    const answer = await response.json().catch(() => null) as { view?: SavedView | null; error?: { message: string } } | null;
    if (!response.ok) throw new ApiError(answer?.error?.message ?? response.statusText);
    return answer?.view ?? null;
  }
  const viewPath = `/api/datastore/${encodeURIComponent(config.resourceId)}/view`;
  saveButton.addEventListener('click', () => {
    if (!current) return;
    post(viewPath, { view: JSON.stringify(current) }).then((view) => {
      savedView = view;
      saved.textContent = t('datastore.explorer.saved');
      syncSaveButtons();
    }).catch(show);
  });
  unsaveButton.addEventListener('click', () => {
    post(`${viewPath}/delete`, {}).then(() => {
      savedView = null;
      defaultNote.hidden = true;
      saved.textContent = t('datastore.explorer.unsaved');
      syncSaveButtons();
    }).catch(show);
  });
  syncSaveButtons();

  return {
    drawSaved() {
      if (!config.view) return;
      fill(config.view);
      defaultNote.hidden = false;
      void render(config.view).catch(show);
    },
  };
}
