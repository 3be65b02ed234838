import { describe, expect, it } from 'vitest';
import { PMTiles, type RangeResponse, type Source } from 'pmtiles';
import { createRequire } from 'node:module';
import { writePmtiles } from '../../worker/src/domain/pmtiles-writer';
import { buildTiles } from '../../worker/src/domain/vector-tiles';

// vt-pbf's own protobuf reader (pbf 3) and the MVT decoder it is tested with.
const require = createRequire(import.meta.url);
const Pbf = require('vt-pbf/node_modules/pbf') as new (bytes: Uint8Array) => unknown;
const { VectorTile } = require('@mapbox/vector-tile') as {
  VectorTile: new (pbf: unknown) => { layers: Record<string, { length: number; feature(i: number): { id: number; properties: Record<string, unknown> } }> };
};

class BytesSource implements Source {
  constructor(private readonly bytes: Uint8Array) {}
  getKey() { return 'memory'; }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    return { data: this.bytes.slice(offset, offset + length).buffer };
  }
}

const grid = Array.from({ length: 400 }, (_, i) => ({
  type: 'Feature' as const,
  id: i,
  geometry: { type: 'Point' as const, coordinates: [3 + (i % 20) * 0.05, 43 + Math.floor(i / 20) * 0.05] },
  properties: { n: i, name: `point ${i}` },
}));

describe('PMTiles writer', () => {
  it('writes an archive the pmtiles package reads back: header, metadata and every tile', async () => {
    const set = buildTiles('points', grid, 2000);
    expect(set.maxZoom).toBeGreaterThanOrEqual(8);
    const bytes = writePmtiles(set.tiles, { minZoom: set.minZoom, maxZoom: set.maxZoom, bounds: [3, 43, 3.95, 43.95], metadata: { vector_layers: [{ id: 'points' }] } });
    const archive = new PMTiles(new BytesSource(bytes));
    const header = await archive.getHeader();
    expect(header.specVersion).toBe(3);
    expect(header.tileType).toBe(1);
    expect(header.maxZoom).toBe(set.maxZoom);
    expect(header.minLon).toBeCloseTo(3, 5);
    expect(header.maxLat).toBeCloseTo(43.95, 5);
    expect(header.numAddressedTiles).toBe(set.tiles.length);
    expect(await archive.getMetadata()).toEqual({ vector_layers: [{ id: 'points' }] });
    for (const tile of set.tiles.filter((t, i) => t.z < 3 || i % 25 === 0)) {
      const read = await archive.getZxy(tile.z, tile.x, tile.y);
      expect(new Uint8Array(read!.data)).toEqual(tile.data);
    }
    expect(await archive.getZxy(5, 0, 0)).toBeUndefined();
    const z0 = new VectorTile(new Pbf(new Uint8Array((await archive.getZxy(0, 0, 0))!.data)));
    expect(z0.layers.points!.length).toBe(400);
    const first = z0.layers.points!.feature(0);
    expect(first.properties.name).toBe(`point ${first.id}`);
  }, 30_000);

  it('keeps descending under tiles whose features are too small to draw at low zoom', () => {
    // 1 km squares in the Hérault: invisible at zoom 0-5 once simplified, present at higher zooms.
    const squares = Array.from({ length: 100 }, (_, i) => {
      const x = 3.5 + (i % 10) * 0.02;
      const y = 43.5 + Math.floor(i / 10) * 0.02;
      return { type: 'Feature' as const, geometry: { type: 'Polygon' as const, coordinates: [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]] }, properties: { n: i } };
    });
    const set = buildTiles('squares', squares);
    expect(set.maxZoom).toBe(14);
    expect(set.tiles.some((t) => t.z === 14)).toBe(true);
  });

  it('moves entries to leaf directories when the root would pass 16 kB', async () => {
    // Distinct tiles at many zoom-14 positions: too many entries for a root directory alone.
    // Scattered zoom-14 positions (a fixed pseudo-random sequence), distinct tiles: too many for a root alone.
    let seed = 42;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 18;
    const positions = new Map<string, { x: number; y: number }>();
    while (positions.size < 60_000) {
      const p = { x: next(), y: next() };
      positions.set(`${p.x}/${p.y}`, p);
    }
    const tiles = [...positions.values()].map((p, i) => ({ z: 14, x: p.x, y: p.y, data: Uint8Array.of(i & 255, i >> 8, 1) }));
    const bytes = writePmtiles(tiles, { minZoom: 14, maxZoom: 14, bounds: [-180, -85, 180, 85], metadata: {} });
    const archive = new PMTiles(new BytesSource(bytes));
    const header = await archive.getHeader();
    expect(header.rootDirectoryLength).toBeLessThanOrEqual(16384 - 127);
    expect(header.leafDirectoryLength).toBeGreaterThan(0);
    for (const i of [0, 1, 12345, 59999]) {
      const t = tiles[i]!;
      expect(new Uint8Array((await archive.getZxy(t.z, t.x, t.y))!.data)).toEqual(t.data);
    }
  }, 30_000);
});
