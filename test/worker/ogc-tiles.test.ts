import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { PMTiles, type RangeResponse, type Source } from 'pmtiles';
import { LAYERS, publishGeo, runVectorIngest } from './geo-fixtures';

/** Reads the archive through the portal's range endpoint, as a pmtiles-aware web map does. */
class PortalSource implements Source {
  constructor(private readonly url: string) {}
  getKey() { return this.url; }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const response = await SELF.fetch(this.url, { headers: { range: `bytes=${offset}-${offset + length - 1}` } });
    expect(response.status).toBe(206);
    return { data: await response.arrayBuffer() };
  }
}

describe('vector tiles of a layer', () => {
  it('serves MVT tiles and the PMTiles archive by range, by resource id or layer name, through can()', async () => {
    await publishGeo(LAYERS);
    await runVectorIngest(...LAYERS.map((l) => l.id));
    const z0 = await SELF.fetch(`https://portal.test/tiles/points_geojson/0/0/0.mvt`);
    expect(z0.status).toBe(200);
    expect(z0.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    const bytes = new Uint8Array(await z0.arrayBuffer());
    expect(new TextDecoder().decode(bytes)).toContain('points_geojson');
    const empty = await SELF.fetch(`https://portal.test/tiles/${LAYERS[2]!.id}/3/0/0.mvt`);
    expect(empty.status).toBe(204);
    expect((await SELF.fetch('https://portal.test/tiles/points_geojson/2/9/0.mvt')).status).toBe(400);

    const archive = new PMTiles(new PortalSource(`https://portal.test/tiles/${LAYERS[2]!.id}.pmtiles`));
    const header = await archive.getHeader();
    expect(header.tileType).toBe(1);
    expect(header.maxZoom).toBeGreaterThanOrEqual(10);
    expect(new Uint8Array((await archive.getZxy(0, 0, 0))!.data)).toEqual(bytes);

    const restricted = await SELF.fetch('https://portal.test/tiles/zones_lambert_93/0/0/0.mvt');
    expect(restricted.status).toBe(401);
    expect(restricted.headers.get('www-authenticate')).toContain('Basic');
    expect((await SELF.fetch(`https://portal.test/tiles/${LAYERS[3]!.id}.pmtiles`)).status).toBe(401);
  });
});
