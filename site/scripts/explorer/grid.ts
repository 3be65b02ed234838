// The grid: one filter per column (words for text columns through datastore_search's per-column full-text `q`,
// an exact value otherwise), sort by any column, paging, the column types from datastore_info, and export links
// for exactly the rows shown.
import { action, ApiError, cellText, el, type Config, type Translate } from './common';

interface SearchResult {
  fields: Array<{ id: string; type: string }>;
  records: unknown[][];
  total: number;
}

interface InfoResult {
  fields: Array<{ id: string; type: string; info?: { label?: string } }>;
}

const PAGE_SIZES = [25, 50, 100];
const EXPORTS = ['csv', 'json', 'xlsx', 'geojson'] as const;
const TYPE_KEYS: Record<string, string> = {
  int: 'integer', numeric: 'decimal', bool: 'boolean', date: 'date', timestamp: 'datetime', text: 'text', geometry: 'geometry',
};

/** Words as FTS5 prefix terms, so typing "toul" finds "Toulouse". */
const prefixTerms = (words: string) => words.split(/\s+/).filter((w) => w !== '').map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ');

export function mountGrid(root: HTMLElement, config: Config, t: Translate): void {
  const fields = config.fields;
  const state = { filters: new Map<string, string>(), sort: null as { id: string; desc: boolean } | null, offset: 0, limit: PAGE_SIZES[0]! };
  let request = 0;

  const status = el('p', { class: 'explorer-status', role: 'status', 'aria-live': 'polite' }, t('datastore.explorer.loading'));
  const alert = el('div', { class: 'explorer-error', role: 'alert' });
  const headRow = el('tr');
  const filterRow = el('tr', { class: 'explorer-filters' });
  const tbody = el('tbody');
  const table = el('table', { class: 'data-table explorer-grid' }, el('caption', { class: 'sr-only' }, t('datastore.explorer.tabGrid')), el('thead', {}, headRow, filterRow), tbody);
  const previous = el('button', { type: 'button', class: 'button button-secondary' }, t('datastore.explorer.previous'));
  const next = el('button', { type: 'button', class: 'button button-secondary' }, t('datastore.explorer.next'));
  const sizeSelect = el('select', { id: `${config.resourceId}-page-size` }, ...PAGE_SIZES.map((n) => el('option', { value: String(n) }, String(n))));
  const clear = el('button', { type: 'button', class: 'link-button' }, t('datastore.explorer.clearFilters'));
  const exports = el('ul', { class: 'explorer-exports' });
  const hasGeometry = config.fields.some((f) => f.type === 'geometry');

  const sortButtons = new Map<string, HTMLButtonElement>();
  const typeBadges = new Map<string, HTMLElement>();
  for (const f of fields) {
    const button = el('button', { type: 'button', class: 'explorer-sort', 'aria-label': t('datastore.explorer.sortBy', { column: f.label }) }, f.label);
    button.addEventListener('click', () => {
      state.sort = state.sort?.id === f.id ? (state.sort.desc ? null : { id: f.id, desc: true }) : { id: f.id, desc: false };
      state.offset = 0;
      void load();
    });
    sortButtons.set(f.id, button);
    const badge = el('span', { class: 'explorer-type' }, t(`datastore.type.${f.type}`));
    typeBadges.set(f.id, badge);
    headRow.append(el('th', { scope: 'col', 'aria-sort': 'none', 'data-column': f.id }, button, badge));

    const label = t('datastore.explorer.filter', { column: f.label });
    let input: HTMLInputElement | HTMLSelectElement;
    if (f.type === 'boolean') {
      input = el('select', { 'aria-label': label },
        el('option', { value: '' }, t('datastore.explorer.any')), el('option', { value: 'true' }, t('datastore.explorer.yes')), el('option', { value: 'false' }, t('datastore.explorer.no')));
    } else if (f.type === 'geometry') {
      filterRow.append(el('td'));
      continue;
    } else {
      const hint = t(f.type === 'text' ? 'datastore.explorer.filterText' : 'datastore.explorer.filterExact');
      input = el('input', { type: 'search', 'aria-label': `${label} (${hint})`, placeholder: hint, 'data-filter': f.id, size: '8' });
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const apply = () => {
      clearTimeout(timer);
      const value = input.value.trim();
      if ((state.filters.get(f.id) ?? '') === value) return;
      if (value === '') state.filters.delete(f.id);
      else state.filters.set(f.id, value);
      state.offset = 0;
      void load();
    };
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(apply, 350);
    });
    input.addEventListener('change', apply);
    input.addEventListener('keydown', (event) => {
      if ((event as KeyboardEvent).key === 'Enter') apply();
    });
    filterRow.append(el('td', {}, input));
  }

  previous.addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - state.limit);
    void load();
  });
  next.addEventListener('click', () => {
    state.offset += state.limit;
    void load();
  });
  sizeSelect.addEventListener('change', () => {
    state.limit = Number(sizeSelect.value);
    state.offset = 0;
    void load();
  });
  clear.addEventListener('click', () => {
    for (const input of filterRow.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) input.value = '';
    state.filters.clear();
    state.offset = 0;
    void load();
  });

  root.append(
    el('div', { class: 'explorer-toolbar' }, status, clear),
    alert,
    el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('datastore.explorer.tabGrid') }, table),
    el('div', { class: 'explorer-pager' }, previous, next,
      el('label', { for: sizeSelect.id }, t('datastore.explorer.pageSize')), sizeSelect),
    el('h3', { class: 'explorer-exports-title' }, t('datastore.explorer.export')),
    exports,
  );

  /** datastore_search parameters of the current filters (the grid and the export links share them). */
  function query(): Record<string, unknown> {
    const filters: Record<string, unknown> = {};
    const q: Record<string, string> = {};
    for (const [id, value] of state.filters) {
      const type = config.fields.find((f) => f.id === id)?.type;
      if (type === 'text') q[id] = prefixTerms(value);
      else if (type === 'boolean') filters[id] = value === 'true';
      // French decimal comma typed in a number filter.
      else if (type === 'decimal' || type === 'integer') filters[id] = value.replace(/\s/g, '').replace(',', '.');
      else filters[id] = value;
    }
    const params: Record<string, unknown> = {};
    if (Object.keys(filters).length > 0) params.filters = filters;
    if (Object.keys(q).length > 0) {
      params.q = q;
      params.plain = false;
    }
    if (state.sort) params.sort = `${state.sort.id} ${state.sort.desc ? 'desc' : 'asc'}`;
    return params;
  }

  function renderExports(params: Record<string, unknown>): void {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) search.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
    const suffix = search.size > 0 ? `?${search}` : '';
    exports.replaceChildren(...EXPORTS.filter((f) => f !== 'geojson' || hasGeometry).map((format) => el('li', {},
      el('a', { class: 'button button-secondary', href: `/api/datastore/${encodeURIComponent(config.resourceId)}/export.${format}${suffix}`, download: true,
        'aria-label': t('datastore.explorer.exportAs', { format: format.toUpperCase() }) }, format.toUpperCase()))));
  }

  async function load(): Promise<void> {
    const mine = ++request;
    const params = query();
    root.setAttribute('aria-busy', 'true');
    try {
      const result = await action<SearchResult>('datastore_search', {
        resource_id: config.resourceId, ...params, limit: state.limit, offset: state.offset, include_total: true, records_format: 'lists',
      });
      if (mine !== request) return;
      alert.replaceChildren();
      // Looked up once per page, not per cell: a wide resource has hundreds of columns.
      const position = new Map(result.fields.map((f, i) => [f.id, i]));
      const types = result.fields.map((f) => TYPE_KEYS[f.type] ?? 'text');
      tbody.replaceChildren(...result.records.map((row) => el('tr', {}, ...fields.map((f) => {
        const i = position.get(f.id) ?? -1;
        const type = types[i] ?? 'text';
        return el('td', { class: type === 'integer' || type === 'decimal' ? 'numeric' : '' }, cellText(row[i], type, t));
      }))));
      const total = result.total;
      status.textContent = total === 0 ? t('datastore.explorer.noRows')
        : t('datastore.explorer.rows', { from: state.offset + 1, to: state.offset + result.records.length, total });
      previous.disabled = state.offset === 0;
      next.disabled = state.offset + state.limit >= total;
      const sort = state.sort;
      for (const th of headRow.querySelectorAll('th')) {
        th.setAttribute('aria-sort', sort && sort.id === th.dataset.column ? (sort.desc ? 'descending' : 'ascending') : 'none');
      }
      renderExports(params);
    } catch (error) {
      if (mine !== request) return;
      alert.replaceChildren(el('p', {}, t('datastore.explorer.error', { message: error instanceof ApiError ? error.message : String(error) })));
    } finally {
      if (mine === request) root.removeAttribute('aria-busy');
    }
  }

  // Column types as the API describes them (datastore_info), so the grid shows what API clients see.
  void action<InfoResult>('datastore_info', { resource_id: config.resourceId }).then((info) => {
    for (const f of info.fields) {
      const badge = typeBadges.get(f.id);
      if (badge) badge.textContent = t(`datastore.type.${TYPE_KEYS[f.type] ?? 'text'}`);
    }
  }).catch(() => undefined);
  void load();
}
