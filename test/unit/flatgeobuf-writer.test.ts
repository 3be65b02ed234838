import { describe, expect, it } from 'vitest';
import { deserialize } from 'flatgeobuf/lib/mjs/geojson.js';
import { ArrayReader } from 'flatgeobuf/lib/mjs/array-reader.js';
import { fromFeature } from 'flatgeobuf/lib/mjs/geojson/feature.js';
import { writeFlatGeobuf } from '../../worker/src/domain/flatgeobuf-writer';

const points = Array.from({ length: 1000 }, (_, i) => ({
  type: 'Feature' as const,
  geometry: { type: 'Point' as const, coordinates: [(i % 40) * 0.1, Math.floor(i / 40) * 0.1] },
  properties: { n: i, label: i % 3 === 0 ? null : `p${i}`, even: i % 2 === 0, ratio: i / 7 },
}));

describe('FlatGeobuf writer', () => {
  const { bytes, extent } = writeFlatGeobuf({
    name: 'points', geometryType: 'Point',
    fields: [{ name: 'n', type: 'integer' }, { name: 'label', type: 'string' }, { name: 'even', type: 'boolean' }, { name: 'ratio', type: 'number' }],
    features: points,
  });

  it('writes every feature with its properties, readable by the flatgeobuf package', async () => {
    expect(extent).toEqual([0, 0, 3.9000000000000004, 2.4000000000000004]);
    const read = [];
    for await (const f of deserialize(bytes)) read.push(f);
    expect(read).toHaveLength(1000);
    const byN = new Map(read.map((f) => [f.properties!.n, f]));
    expect(byN.get(3)!.properties).toEqual({ n: 3, even: false, ratio: 3 / 7 });
    expect(byN.get(4)!.properties).toEqual({ n: 4, label: 'p4', even: true, ratio: 4 / 7 });
    expect((byN.get(41)!.geometry as { coordinates: number[] }).coordinates).toEqual([0.1, 0.1]);
  });

  it('has a spatial index that selects exactly the features in a box', async () => {
    const reader = ArrayReader.open(bytes);
    expect(reader.header.indexNodeSize).toBe(16);
    const found: number[] = [];
    for await (const { id, feature } of reader.selectBbox({ minX: 0.95, minY: 0.95, maxX: 1.25, maxY: 1.15 })) {
      found.push(fromFeature(id, feature, reader.header).properties!.n as number);
    }
    const expected = points.filter((p) => {
      const [x, y] = p.geometry.coordinates as [number, number];
      return x >= 0.95 && x <= 1.25 && y >= 0.95 && y <= 1.15;
    });
    expect(found.sort((a, b) => a - b)).toEqual(expected.map((p) => p.properties.n));
    expect(expected.length).toBe(6);
  });
});
