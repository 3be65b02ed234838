// The facet table the search island filters and counts with: what it encodes decodes to the same values, and its
// counts equal a direct count over the datasets (OR within a facet, AND across, own selection ignored).
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../scripts/lib/prng';
import {
  decodeFacetTable, decodeTitleOrder, encodeFacetTable, encodeTitleOrder, filterAndCount, type FacetRow,
} from '../../site/lib/facet-table';
import { FACETS, type Facet } from '../../site/lib/search';

const random = mulberry32(7);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const some = <T>(items: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(items)))];

const THEMES = ['Agriculture', 'Biodiversité et eau', 'Mobilité et transports', 'Occupation des sols'];
const FORMATS = ['CSV', 'GeoJSON', 'PDF', 'XLSX', 'ZIP'];
const ORGS = Array.from({ length: 70 }, (_, i) => `Organisation ${i}`); // more than one code character holds
const KEYWORDS = ['eau', 'air', 'vélo', 'routes', 'budget', 'écoles', 'bruit'];

function syntheticRows(count: number): FacetRow[] {
  return Array.from({ length: count }, (_, i) => ({
    titleKey: `${pick(['a', 'b', 'c'])} jeu ${i}`,
    values: {
      theme: some(THEMES, 2),
      frequency: [pick(['Annuelle', 'Mensuelle', 'Ponctuelle'])],
      format: some(FORMATS, 3),
      organization: [pick(ORGS)],
      licence: [pick(['Licence Ouverte', 'ODbL'])],
      // Row 0 alone has "unique-0": a keyword too rare for the table.
      keyword: i === 0 ? ['unique-0', 'eau'] : some(KEYWORDS, 3),
    },
  }));
}

function expected(rows: FacetRow[], selected: Record<Facet, string[]>) {
  const passes = (row: FacetRow, facet: Facet) => selected[facet].length === 0 || row.values[facet].some((v) => selected[facet].includes(v));
  const matching = rows.flatMap((row, i) => (FACETS.every((f) => passes(row, f)) ? [i] : []));
  const counts = Object.fromEntries(FACETS.map((facet) => {
    const byLabel: Record<string, number> = {};
    for (const row of rows) {
      if (!FACETS.every((f) => f === facet || passes(row, f))) continue;
      for (const v of row.values[facet]) byLabel[v] = (byLabel[v] ?? 0) + 1;
    }
    return [facet, byLabel];
  }));
  return { matching, counts };
}

const none = (): Record<Facet, string[]> => ({ theme: [], frequency: [], format: [], organization: [], licence: [], keyword: [] });

describe('facet table', () => {
  const rows = syntheticRows(500);
  const ids = rows.map((_, i) => `fr_${i.toString(16).padStart(7, '0')}`);
  const encoded = encodeFacetTable(rows, ids, { organization: new Map(ORGS.map((o, i) => [o, `org-${i}`])) },
    (facet, _value, uses) => facet !== 'keyword' || uses >= 2);
  const table = decodeFacetTable(JSON.parse(JSON.stringify(encoded)));

  it('decodes every row to the values it was given, with URL codes', () => {
    expect(table.count).toBe(rows.length);
    rows.forEach((row, r) => {
      for (const facet of FACETS) {
        const column = table.columns[facet];
        const values = Array.from(column.indexes.slice(column.starts[r], column.starts[r + 1]), (i) => column.values[i]);
        const kept = facet === 'keyword' ? row.values[facet].filter((v) => v !== 'unique-0') : row.values[facet];
        expect(values.sort()).toEqual([...kept].sort());
      }
    });
    expect(table.columns.organization.codes[table.columns.organization.index.get('Organisation 3')!]).toBe('org-3');
    expect(table.columns.keyword.index.has('unique-0')).toBe(false);
  });

  it('counts and filters as a direct count does, for combined facets', () => {
    const selections: Array<Partial<Record<Facet, string[]>>> = [
      {},
      { theme: ['Agriculture'] },
      { theme: ['Agriculture', 'Occupation des sols'], format: ['CSV'] },
      { format: ['PDF', 'ZIP'], keyword: ['eau'], licence: ['ODbL'] },
      { organization: ['Organisation 65'], frequency: ['Annuelle', 'Mensuelle'] },
    ];
    for (const partial of selections) {
      const selected = { ...none(), ...partial };
      const { rows: matching, counts } = filterAndCount(table, rows.keys(), selected);
      const want = expected(rows, selected);
      expect(matching).toEqual(want.matching);
      for (const facet of FACETS) {
        const kept = Object.fromEntries(Object.entries(want.counts[facet]!).filter(([v]) => v !== 'unique-0'));
        expect(counts[facet], `${facet} with ${JSON.stringify(partial)}`).toEqual(kept);
      }
    }
  });

  it('keeps the candidates’ order, applies the scope and takes rare keywords from their own rows', () => {
    const candidates = [...rows.keys()].reverse();
    const all = filterAndCount(table, candidates, none());
    expect(all.rows).toEqual(candidates);

    const scoped = filterAndCount(table, rows.keys(), none(), { facet: 'theme', value: 'Agriculture' });
    expect(scoped.rows).toEqual(expected(rows, { ...none(), theme: ['Agriculture'] }).matching);

    const rare = filterAndCount(table, rows.keys(), { ...none(), keyword: ['unique-0'] }, null, new Map([['unique-0', new Set([0])]]));
    expect(rare.rows).toEqual([0]);
    expect(rare.counts.keyword['unique-0']).toBe(1);
  });

  it('gives each row its rank in title order, and refuses an order from another build', () => {
    const ranks = decodeTitleOrder(encodeTitleOrder(rows, encoded.check), table);
    const byRank = [...rows.keys()].sort((a, b) => ranks[a]! - ranks[b]!);
    const sorted = [...rows.keys()].sort((a, b) => rows[a]!.titleKey.localeCompare(rows[b]!.titleKey) || a - b);
    expect(byRank).toEqual(sorted);
    expect(() => decodeTitleOrder({ ...encodeTitleOrder(rows, 'other'), check: 'other' }, table)).toThrow();
  });
});
