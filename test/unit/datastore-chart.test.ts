import { describe, expect, it } from 'vitest';
import { ChartRefused, MAX_CATEGORIES, MAX_POINTS, MAX_SERIES, chartData, chartSql, checkChart, checkView } from '../../worker/src/domain/datastore-chart';
import type { DatastoreField } from '../../worker/src/domain/datastore-query';

const FIELDS: DatastoreField[] = [
  { id: 'commune', label: 'Commune', type: 'text' },
  { id: 'annee', label: 'Année', type: 'integer' },
  { id: 'population', label: 'Population', type: 'integer' },
  { id: 'surface', label: 'Surface (km²)', type: 'decimal' },
  { id: 'date_releve', label: 'Date', type: 'date' },
  { id: 'geometry', label: 'geometry', type: 'geometry' },
];

const refusal = (raw: unknown) => {
  try {
    checkChart(raw, FIELDS);
  } catch (error) {
    if (error instanceof ChartRefused) return error.notice;
    throw error;
  }
  throw new Error('accepted');
};

describe('checkChart', () => {
  it('accepts a bar chart of sums by category and drops repeated series', () => {
    expect(checkChart({ type: 'bar', x: 'commune', series: ['population', 'population', 'surface'], aggregation: 'sum' }, FIELDS))
      .toEqual({ type: 'bar', x: 'commune', series: ['population', 'surface'], aggregation: 'sum' });
  });

  it('counts rows per category without a series, and any column with one', () => {
    expect(checkChart({ type: 'pie', x: 'commune', series: [], aggregation: 'count' }, FIELDS).series).toEqual([]);
    expect(checkChart({ type: 'bar', x: 'annee', series: ['commune'], aggregation: 'count' }, FIELDS).series).toEqual(['commune']);
  });

  it.each([
    [null, 'datastore.chart.invalid'],
    [{ type: 'radar', x: 'commune', series: ['population'] }, 'datastore.chart.type'],
    [{ type: 'bar', x: 'commune', series: ['population'], aggregation: 'median' }, 'datastore.chart.aggregation'],
    [{ type: 'bar', x: 'nope', series: ['population'] }, 'datastore.chart.x'],
    [{ type: 'bar', x: 'geometry', series: ['population'] }, 'datastore.chart.x'],
    [{ type: 'bar', x: 'commune', series: 'population' }, 'datastore.chart.invalid'],
    [{ type: 'bar', x: 'commune', series: [], aggregation: 'sum' }, 'datastore.chart.noSeries'],
    [{ type: 'bar', x: 'commune', series: ['inconnue'], aggregation: 'sum' }, 'datastore.chart.unknownColumn'],
    [{ type: 'bar', x: 'annee', series: ['commune'], aggregation: 'sum' }, 'datastore.chart.notNumeric'],
    [{ type: 'line', x: 'annee', series: ['date_releve'], aggregation: 'avg' }, 'datastore.chart.notNumeric'],
    [{ type: 'pie', x: 'commune', series: ['population'], aggregation: 'none' }, 'datastore.chart.pieNeedsGroup'],
    [{ type: 'pie', x: 'commune', series: ['population', 'surface'], aggregation: 'sum' }, 'datastore.chart.pieOneSeries'],
    [{ type: 'scatter', x: 'commune', series: ['population'], aggregation: 'none' }, 'datastore.chart.scatterX'],
    [{ type: 'scatter', x: 'date_releve', series: ['population'], aggregation: 'none' }, 'datastore.chart.scatterX'],
  ])('refuses %j with %s', (raw, key) => {
    expect(refusal(raw).key).toBe(key);
  });

  it(`allows at most ${MAX_SERIES} series`, () => {
    const many = ['population', 'surface', 'annee', 'commune', 'date_releve', 'geometry'];
    expect(refusal({ type: 'bar', x: 'commune', series: many, aggregation: 'count' }).key).toBe('datastore.chart.tooManySeries');
  });

  it('checks a saved view’s title as well as its chart', () => {
    const chart = { type: 'line', x: 'annee', series: ['population'], aggregation: 'sum' };
    expect(checkView({ chart, title: '  Population par année ' }, FIELDS)).toEqual({ chart, title: 'Population par année' });
    expect(() => checkView({ chart, title: 'x'.repeat(121) }, FIELDS)).toThrow(ChartRefused);
    expect(() => checkView({ chart: { ...chart, x: 'gone' }, title: '' }, FIELDS)).toThrow(ChartRefused);
  });
});

describe('chartSql', () => {
  it('groups by the x column, computes each series, and orders bars and pies largest first', () => {
    expect(chartSql({ type: 'bar', x: 'commune', series: ['population', 'surface'], aggregation: 'sum' }, 'r-1'))
      .toBe(`SELECT "commune" AS x, sum("population") AS s0, sum("surface") AS s1 FROM "r-1" WHERE "commune" IS NOT NULL GROUP BY "commune" ORDER BY s0 DESC LIMIT ${MAX_CATEGORIES}`);
    expect(chartSql({ type: 'pie', x: 'commune', series: [], aggregation: 'count' }, 'r-1'))
      .toBe(`SELECT "commune" AS x, count(*) AS s0 FROM "r-1" WHERE "commune" IS NOT NULL GROUP BY "commune" ORDER BY s0 DESC LIMIT ${MAX_CATEGORIES}`);
  });

  it('orders lines and areas along x, and reads raw values when nothing is aggregated', () => {
    expect(chartSql({ type: 'line', x: 'annee', series: ['population'], aggregation: 'avg' }, 'r-1'))
      .toBe(`SELECT "annee" AS x, avg("population") AS s0 FROM "r-1" WHERE "annee" IS NOT NULL GROUP BY "annee" ORDER BY x LIMIT ${MAX_CATEGORIES}`);
    expect(chartSql({ type: 'scatter', x: 'surface', series: ['population'], aggregation: 'none' }, 'r-1'))
      .toBe(`SELECT "surface" AS x, "population" AS s0 FROM "r-1" WHERE "surface" IS NOT NULL ORDER BY "surface" LIMIT ${MAX_POINTS}`);
  });
});

describe('chartData', () => {
  it('turns rows into labels and one list per series, with null where a value is missing', () => {
    const spec = { type: 'bar' as const, x: 'commune', series: ['population', 'surface'], aggregation: 'sum' as const };
    expect(chartData(spec, [{ x: 'Nîmes', s0: 148104, s1: 161.85 }, { x: 2024, s0: null, s1: 'n/a' }])).toEqual({
      labels: ['Nîmes', '2024'], values: [[148104, null], [161.85, null]],
    });
  });
});
