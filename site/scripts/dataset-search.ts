// Faceted dataset search. The URL is the state (q, one parameter per facet value, sort, page), so a search can be
// shared and reloaded. Facets are cumulative: values of one facet are OR-ed, facets AND-ed, and each facet's counts
// ignore its own selection, as on CKAN.
// Pagefind finds the datasets matching the words (or all of them, in page order, which is newest first); the facet
// table (lib/facet-table.ts) then filters, counts and sorts them in the browser, so Pagefind's filter indexes are
// never loaded up front. Only the current page's fragments are loaded: 20 small files, whatever the number of matches.
import { decodeFacetTable, decodeTitleOrder, filterAndCount, fnv1a, type EncodedFacetTable, type EncodedTitleOrder, type FacetTable } from '../lib/facet-table';
import {
  FACETS, FACET_TABLE_PATH, FORMAT_SEPARATOR, PAGE_SIZE, SORTS, TITLE_ORDER_PATH, searchWords,
  type Facet, type SearchConfig, type SearchMessages, type SearchMeta, type Sort,
} from '../lib/search';

interface Fragment {
  url: string;
  excerpt: string;
  meta: Partial<Record<SearchMeta, string>>;
}
interface Result {
  id: string;
  data(): Promise<Fragment>;
}
interface Pagefind {
  options(options: Record<string, unknown>): Promise<void>;
  mergeIndex(path: string): Promise<void>;
  search(term: string | null, options: { filters?: object }): Promise<{ results: Result[] }>;
}

type Selection = Record<Facet, string[]>;
interface State {
  q: string;
  selected: Selection;
  sort: Sort | null;
  page: number;
}

const FACET_PREVIEW = 8;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

const fill = (template: string, params: Record<string, string | number>, locale: string) =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : typeof value === 'number' ? value.toLocaleString(locale) : value;
  });

/** Short stable id for a facet value, so focus survives re-rendering. */
function hash(text: string): string {
  let h = 5381;
  for (let i = 0; i < text.length; i++) h = (h * 33) ^ text.charCodeAt(i);
  return (h >>> 0).toString(36);
}

const emptySelection = (): Selection => ({ theme: [], frequency: [], format: [], organization: [], licence: [], keyword: [] });

class DatasetSearch {
  private readonly locale = document.documentElement.lang || 'fr';
  private readonly plural = new Intl.PluralRules(this.locale);
  private readonly collator = new Intl.Collator(this.locale);
  private readonly messages: SearchMessages;
  private readonly scope: SearchConfig['scope'];
  private readonly cardLevel: SearchConfig['cardLevel'];
  private readonly expanded = new Set<Facet>();
  private state: State = { q: '', selected: emptySelection(), sort: null, page: 1 };
  private run = 0;
  private pagefind!: Pagefind;
  private table!: FacetTable;
  /** Every dataset's Pagefind result, by table row (Pagefind's page order). */
  private everyResult!: Result[];
  private rowById!: Map<string, number>;
  private titleRanks: Promise<Uint32Array> | null = null;
  /** Per facet: URL code → label. */
  private labelByCode!: Record<Facet, Map<string, string>>;

  private readonly form: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly facets: HTMLElement;
  private readonly facetList: HTMLElement;
  private readonly facetsToggle: HTMLButtonElement;
  private readonly count: HTMLElement;
  private readonly sortWrap: HTMLElement;
  private readonly sortSelect: HTMLSelectElement;
  private readonly active: HTMLElement;
  private readonly results: HTMLOListElement;
  private readonly pager: HTMLElement;

  constructor(root: HTMLElement) {
    const q = <T extends Element>(selector: string) => {
      const found = root.querySelector<T>(selector);
      if (!found) throw new Error(`search island: missing ${selector}`);
      return found;
    };
    const config = JSON.parse(q('[data-search-config]').textContent ?? '{}') as SearchConfig;
    this.messages = config.messages;
    this.scope = config.scope;
    this.cardLevel = config.cardLevel;
    this.form = q('[data-search-form]');
    this.input = q('#search-q');
    this.facets = q('[data-facets]');
    this.facetList = q('[data-facet-list]');
    this.facetsToggle = q('[data-facets-toggle]');
    this.count = q('[data-count]');
    this.sortWrap = q('[data-sort-wrap]');
    this.sortSelect = q('[data-sort]');
    this.active = q('[data-active]');
    this.results = q('[data-results]');
    this.pager = q('[data-pager]');
  }

  async start(): Promise<void> {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.navigate({ ...this.state, q: this.input.value.trim(), page: 1 });
    });
    this.sortSelect.addEventListener('change', () => {
      this.navigate({ ...this.state, sort: this.sortSelect.value as Sort, page: 1 });
    });
    this.facetsToggle.addEventListener('click', () => {
      const open = this.facetsToggle.getAttribute('aria-expanded') !== 'true';
      this.facetsToggle.setAttribute('aria-expanded', String(open));
      this.facets.classList.toggle('is-open', open);
    });
    this.pager.addEventListener('click', (event) => {
      const link = (event.target as Element).closest<HTMLAnchorElement>('a[data-page]');
      if (!link) return;
      event.preventDefault();
      this.navigate({ ...this.state, page: Number(link.dataset.page) }, true);
    });
    window.addEventListener('popstate', () => void this.load(this.parse(location.search)));

    try {
      const [pagefind, encoded] = await Promise.all([this.loadPagefind(), fetch(FACET_TABLE_PATH).then((r) => r.json() as Promise<EncodedFacetTable>)]);
      this.pagefind = pagefind;
      this.table = decodeFacetTable(encoded);
      // After an incremental build the delta bundle's pages follow the main bundle's: Pagefind returns the merged
      // results of both, main first, and the table hides the main rows the delta replaces.
      if (this.table.delta) await pagefind.mergeIndex(this.table.delta);
      this.labelByCode = Object.fromEntries(FACETS.map((f) => {
        const { values, codes } = this.table.columns[f];
        return [f, new Map(codes.map((code, i) => [code, values[i]!]))];
      })) as DatasetSearch['labelByCode'];
      // With no words and no filter, Pagefind returns every page in page order: the table's row order.
      this.everyResult = (await pagefind.search(null, {})).results;
      const ids = this.everyResult.map((r) => r.id);
      if (ids.length !== this.table.count || fnv1a(ids) !== this.table.check) throw new Error('search island: the facet table does not match the Pagefind index');
      this.rowById = new Map(ids.map((id, row) => [id, row]));
    } catch (err) {
      console.error(err);
      this.count.textContent = this.messages.error;
      return;
    }
    this.facets.hidden = false;
    this.sortWrap.hidden = false;
    await this.load(this.parse(location.search));
  }

  private async loadPagefind(): Promise<Pagefind> {
    const url = '/pagefind/pagefind.js';
    const pagefind = (await import(/* @vite-ignore */ url)) as Pagefind;
    await pagefind.options({ excerptLength: 30, excerptEllipsis: '…' });
    return pagefind;
  }

  // --- URL ⇄ state -------------------------------------------------------------------------------------------

  private parse(search: string): State {
    const params = new URLSearchParams(search);
    const selected = emptySelection();
    for (const facet of FACETS) {
      if (facet === this.scope?.facet) continue;
      for (const code of params.getAll(facet)) {
        // Keywords too rare for the table are still valid (Pagefind filters them): a keyword is its own code.
        const label = this.labelByCode[facet].get(code) ?? (facet === 'keyword' ? code : undefined);
        if (label && !selected[facet].includes(label)) selected[facet].push(label);
      }
    }
    const sort = params.get('sort');
    const page = Number.parseInt(params.get('page') ?? '1', 10);
    return {
      q: (params.get('q') ?? '').trim(),
      selected,
      sort: (SORTS as readonly string[]).includes(sort ?? '') ? (sort as Sort) : null,
      page: Number.isFinite(page) && page > 1 ? page : 1,
    };
  }

  private href(state: State): string {
    const params = new URLSearchParams();
    if (state.q) params.set('q', state.q);
    for (const facet of FACETS) {
      for (const label of state.selected[facet]) {
        const index = this.table.columns[facet].index.get(label);
        params.append(facet, index === undefined ? label : this.table.columns[facet].codes[index]!);
      }
    }
    if (state.sort) params.set('sort', state.sort);
    if (state.page > 1) params.set('page', String(state.page));
    const query = params.toString();
    return query ? `${location.pathname}?${query}` : location.pathname;
  }

  private navigate(state: State, focusResults = false): void {
    history.pushState(null, '', this.href(state));
    void this.load(state, focusResults);
  }

  // --- searching -----------------------------------------------------------------------------------------------

  /** Without a query, relevance means nothing: newest first. */
  private effectiveSort(state: State): Sort {
    const sort = state.sort ?? (state.q ? 'relevance' : 'date');
    return sort === 'relevance' && !state.q ? 'date' : sort;
  }

  /** Rows matching a keyword too rare for the table, through Pagefind's keyword filter (loaded only then). */
  private async rareKeywordRows(term: string | null, keyword: string): Promise<Set<number>> {
    const { results } = await this.pagefind.search(term, { filters: { keyword } });
    return new Set(results.flatMap((r) => this.rowById.get(r.id) ?? []));
  }

  private async load(state: State, focusResults = false): Promise<void> {
    const run = ++this.run;
    this.state = state;
    this.input.value = state.q;
    const sort = this.effectiveSort(state);
    this.sortSelect.value = sort;
    (this.sortSelect.querySelector('option[value="relevance"]') as HTMLOptionElement).disabled = !state.q;
    this.results.setAttribute('aria-busy', 'true');

    try {
      const term = state.q || null;
      const resultByRow = new Map<number, Result>();
      let candidates: Iterable<number>;
      if (term) {
        const found = await this.pagefind.search(term, {});
        const deltaOnly = searchWords(term).some((word) => this.table.freshWords.has(word));
        for (const result of found.results) {
          const row = this.rowById.get(result.id);
          if (row !== undefined && !(deltaOnly && row < this.table.deltaStart)) resultByRow.set(row, result);
        }
        candidates = resultByRow.keys();
      } else {
        candidates = this.everyResult.keys();
      }
      const rareKeywords = state.selected.keyword.filter((k) => !this.table.columns.keyword.index.has(k));
      const rare = new Map(await Promise.all(rareKeywords.map(async (k) => [k, await this.rareKeywordRows(term, k)] as const)));
      const { rows, counts } = filterAndCount(this.table, candidates, state.selected, this.scope, rare);
      // Rows are newest first unless a delta says otherwise; Pagefind already ranked the candidates by relevance.
      if (sort === 'date') {
        const ranks = this.table.dateRanks;
        rows.sort(ranks ? (a, b) => ranks[a]! - ranks[b]! : (a, b) => a - b);
      }
      else if (sort === 'title') {
        this.titleRanks ??= fetch(TITLE_ORDER_PATH).then((r) => r.json() as Promise<EncodedTitleOrder>).then((order) => decodeTitleOrder(order, this.table))
          .catch((err: unknown) => {
            this.titleRanks = null; // fetched again at the next title sort
            throw err;
          });
        const ranks = await this.titleRanks;
        rows.sort((a, b) => ranks[a]! - ranks[b]!);
      }

      const total = rows.length;
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      const page = Math.min(state.page, pages);
      const shown = rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
      const fragments = await Promise.all(shown.map((row) => (resultByRow.get(row) ?? this.everyResult[row]!).data()));
      if (run !== this.run) return;

      this.renderCount(total, state.q);
      this.renderFacets(counts);
      this.renderActive();
      this.renderResults(fragments);
      this.renderPager(page, pages);
      if (focusResults) {
        this.count.focus();
        this.count.scrollIntoView({ block: 'start' });
      }
    } catch (err) {
      console.error(err);
      if (run === this.run) this.count.textContent = this.messages.error;
    } finally {
      if (run === this.run) this.results.removeAttribute('aria-busy');
    }
  }

  // --- rendering -----------------------------------------------------------------------------------------------

  private renderCount(total: number, q: string): void {
    const forms = q ? this.messages.countFor : this.messages.count;
    const template = this.plural.select(total) === 'one' ? forms.one : forms.other;
    this.count.textContent = fill(template, { count: total, q }, this.locale);
  }

  /** `focusResults` when the control that triggered it disappears (a removed chip): focus then goes to the count. */
  private toggle(facet: Facet, value: string, on: boolean, focusResults = false): void {
    const values = this.state.selected[facet].filter((v) => v !== value);
    if (on) values.push(value);
    this.navigate({ ...this.state, selected: { ...this.state.selected, [facet]: values }, page: 1 }, focusResults);
  }

  private renderFacets(counts: Record<Facet, Record<string, number>>): void {
    const focusedId = document.activeElement?.id;
    const fieldsets: HTMLElement[] = [];
    for (const facet of FACETS) {
      if (facet === this.scope?.facet) continue;
      const selected = this.state.selected[facet];
      const facetCounts = counts[facet];
      const values = Object.keys(facetCounts).filter((v) => (facetCounts[v] ?? 0) > 0 || selected.includes(v));
      for (const v of selected) if (!values.includes(v)) values.push(v);
      if (values.length === 0) continue;
      values.sort((a, b) => (facetCounts[b] ?? 0) - (facetCounts[a] ?? 0) || this.collator.compare(a, b));

      const expanded = this.expanded.has(facet);
      const visible = expanded ? values : values.filter((v, i) => i < FACET_PREVIEW || selected.includes(v));
      const list = el('ul', { class: 'facet-values' });
      for (const value of visible) {
        const id = `facet-${facet}-${hash(value)}`;
        const box = el('input', { type: 'checkbox', id });
        box.checked = selected.includes(value);
        box.addEventListener('change', () => this.toggle(facet, value, box.checked));
        list.append(el('li', {}, box, el('label', { for: id }, el('span', { class: 'facet-value' }, value), ' ', el('span', { class: 'facet-count' }, `(${(facetCounts[value] ?? 0).toLocaleString(this.locale)})`))));
      }
      const fieldset = el('fieldset', { class: 'facet' }, el('legend', {}, this.messages.facets[facet]), list);
      if (values.length > FACET_PREVIEW) {
        const more = el('button', { type: 'button', class: 'link-button', id: `facet-${facet}-more`, 'aria-expanded': String(expanded) },
          expanded ? this.messages.showLess : fill(this.messages.showMore, { count: values.length - visible.length }, this.locale));
        more.addEventListener('click', () => {
          if (expanded) this.expanded.delete(facet);
          else this.expanded.add(facet);
          this.renderFacets(counts);
        });
        fieldset.append(more);
      }
      fieldsets.push(fieldset);
    }
    this.facetList.replaceChildren(...fieldsets);
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  private renderActive(): void {
    const chips: HTMLElement[] = [];
    for (const facet of FACETS) {
      for (const value of this.state.selected[facet]) {
        const label = fill(this.messages.removeFilter, { facet: this.messages.facets[facet], value }, this.locale);
        const chip = el('button', { type: 'button', class: 'chip', 'aria-label': label }, `${value} `, el('span', { 'aria-hidden': 'true' }, '×'));
        chip.addEventListener('click', () => this.toggle(facet, value, false, true));
        chips.push(el('li', {}, chip));
      }
    }
    this.active.hidden = chips.length === 0;
    if (chips.length === 0) {
      this.active.replaceChildren();
      return;
    }
    const clear = el('button', { type: 'button', class: 'link-button' }, this.messages.clearFilters);
    clear.addEventListener('click', () => this.navigate({ ...this.state, selected: emptySelection(), page: 1 }, true));
    this.active.replaceChildren(el('p', { class: 'sr-only' }, this.messages.activeFilters), el('ul', { class: 'chips' }, ...chips), clear);
  }

  private renderResults(fragments: Fragment[]): void {
    const cards = fragments.map((f) => {
      const title = el(`h${this.cardLevel}`, { class: 'card-title' }, el('a', { href: f.url }, f.meta.title ?? ''));
      if (f.meta.restricted) {
        const lock = el('span', { class: 'lock', title: this.messages.restricted }, el('span', { class: 'sr-only' }, this.messages.restricted));
        lock.insertAdjacentHTML('afterbegin', '<svg class="icon" aria-hidden="true"><use href="/icons.svg#lock"/></svg>');
        title.append(' ', lock);
      }
      // Pagefind's excerpt is escaped text with <mark> around the matched words; with no query it is the start
      // of the indexed content, the description (lib/search-record.ts).
      const text = el('p', { class: 'card-text' });
      text.innerHTML = f.excerpt;
      const badges = el('span', { class: 'badges' }, ...(f.meta.formats ?? '').split(FORMAT_SEPARATOR).filter(Boolean).map((fmt) => el('span', { class: 'badge' }, fmt)));
      const date = el('span', { class: 'card-date' }, fill(this.messages.updated, { date: f.meta.updated ?? '' }, this.locale));
      const card = el('li', { class: 'card' }, title);
      if (f.meta.org) card.append(el('p', { class: 'card-org' }, f.meta.org));
      card.append(text, el('p', { class: 'card-meta' }, badges, ' ', date));
      return card;
    });
    if (cards.length === 0) cards.push(el('li', { class: 'card card-empty' }, this.messages.none));
    this.results.replaceChildren(...cards);
  }

  private renderPager(page: number, pages: number): void {
    this.pager.hidden = pages <= 1;
    if (pages <= 1) {
      this.pager.replaceChildren();
      return;
    }
    const link = (target: number, text: string, attrs: Record<string, string> = {}) =>
      el('a', { href: this.href({ ...this.state, page: target }), 'data-page': String(target), ...attrs }, text);
    const items: HTMLElement[] = [];
    if (page > 1) items.push(el('li', {}, link(page - 1, this.messages.previous, { rel: 'prev' })));
    const shown = [...new Set([1, page - 1, page, page + 1, pages])].filter((p) => p >= 1 && p <= pages).sort((a, b) => a - b);
    shown.forEach((p, i) => {
      if (i > 0 && p - (shown[i - 1] ?? p) > 1) items.push(el('li', { class: 'gap', 'aria-hidden': 'true' }, '…'));
      const label = fill(this.messages.page, { page: p }, this.locale);
      items.push(el('li', {}, p === page
        ? el('a', { 'aria-current': 'page', 'aria-label': label, href: this.href({ ...this.state, page: p }), 'data-page': String(p) }, String(p))
        : link(p, String(p), { 'aria-label': label })));
    });
    if (page < pages) items.push(el('li', {}, link(page + 1, this.messages.next, { rel: 'next' })));
    this.pager.replaceChildren(
      el('p', { class: 'sr-only' }, fill(this.messages.pageStatus, { page, pages }, this.locale)),
      el('ul', {}, ...items),
    );
  }
}

export function startSearch(): void {
  const root = document.querySelector<HTMLElement>('[data-search]');
  if (root) void new DatasetSearch(root).start();
}
