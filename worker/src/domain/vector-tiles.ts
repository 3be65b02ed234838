// Vector tiles of a layer: geojson-vt cuts the features (EPSG:4326) into tiles, vt-pbf encodes each tile as MVT
// with one source layer named after the layer. Zoom levels are added from 0 while the total number of non-empty
// tiles stays within a budget, so a dense layer stops earlier than a sparse one; the map overzooms past maxZoom.
import GeoJSONVT from 'geojson-vt';
import { fromGeojsonVt } from 'vt-pbf';
import type { Feature, Geometry } from 'geojson';
import type { TileInput } from './pmtiles-writer';

export const TILE_BUDGET = 20_000;
export const MAX_TILE_ZOOM = 14;
const EXTENT = 4096;

export interface TileSet {
  tiles: TileInput[];
  minZoom: number;
  maxZoom: number;
}

export function buildTiles(layerName: string, features: ReadonlyArray<Feature<Geometry, Record<string, unknown>>>,
  budget = TILE_BUDGET, maxZoom = MAX_TILE_ZOOM): TileSet {
  const index = new GeoJSONVT({ type: 'FeatureCollection', features: features as Feature[] },
    { maxZoom, indexMaxZoom: 4, indexMaxPoints: 100_000, extent: EXTENT, buffer: 64, tolerance: 3 });
  const tiles: TileInput[] = [];
  let level: Array<{ x: number; y: number }> = [{ x: 0, y: 0 }];
  let reached = 0;
  for (let z = 0; z <= maxZoom && level.length > 0; z++) {
    const found: TileInput[] = [];
    // Tiles with data, even when simplification left them empty at this zoom (features too small to draw).
    const covered: Array<{ x: number; y: number }> = [];
    for (const { x, y } of level) {
      const tile = index.getTile(z, x, y);
      if (!tile) continue;
      covered.push({ x, y });
      if (tile.features.length > 0) found.push({ z, x, y, data: fromGeojsonVt({ [layerName]: tile }, { version: 2, extent: EXTENT }) });
    }
    if (z > 0 && tiles.length + found.length > budget) break;
    tiles.push(...found);
    reached = z;
    level = covered.flatMap((t) => [{ x: 2 * t.x, y: 2 * t.y }, { x: 2 * t.x + 1, y: 2 * t.y }, { x: 2 * t.x, y: 2 * t.y + 1 }, { x: 2 * t.x + 1, y: 2 * t.y + 1 }]);
  }
  return { tiles, minZoom: 0, maxZoom: reached };
}
