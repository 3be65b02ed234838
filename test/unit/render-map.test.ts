import { readFileSync, writeFileSync } from 'node:fs';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { decode } from 'fast-png';
import type { Feature, Geometry } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { boxFromWgs84, boxToWgs84, parseCrs, servableBox, transformsFor } from '../../worker/src/domain/map-projection';
import { hitsPixel, renderLegendSvg, renderSvg, svgToPng, type MapFrame } from '../../worker/src/domain/render-map';
import type { Style } from '../../worker/src/domain/style';

const font = new Uint8Array(readFileSync('node_modules/@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf'));
const REFERENCE = 'test/fixtures/render/getmap-2154.png';

beforeAll(async () => {
  await initWasm(readFileSync('node_modules/@resvg/resvg-wasm/index_bg.wasm'));
});

type F = Feature<Geometry, Record<string, unknown>>;
const square = (lon: number, lat: number, size: number, props: Record<string, unknown>): F => ({
  type: 'Feature',
  properties: props,
  geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]] },
});

// Around Montpellier: a small and a large commune, a road and two points.
const features: F[] = [
  square(3.80, 43.56, 0.05, { nom: 'Petite', pop: 500 }),
  square(3.88, 43.58, 0.06, { nom: 'Grande', pop: 250000 }),
  { type: 'Feature', properties: { kind: 'route' }, geometry: { type: 'LineString', coordinates: [[3.78, 43.55], [3.98, 43.66]] } },
  { type: 'Feature', properties: { kind: 'ecole' }, geometry: { type: 'MultiPoint', coordinates: [[3.83, 43.63], [3.95, 43.57]] } },
];

const style: Style = {
  name: 'test',
  classes: [
    { title: 'Petites', filter: { attribute: 'pop', operator: '<', values: ['1000'] }, fill: { color: '#ffcc00', opacity: 1 }, stroke: { color: '#000000', width: 1 }, point: null, label: null },
    { title: 'Grandes', filter: { attribute: 'pop', operator: '>=', values: ['1000'] }, fill: { color: '#0055aa', opacity: 0.5 }, stroke: null, point: null, label: { attribute: 'nom', size: 12, color: '#000000' } },
    { title: 'Route', filter: { attribute: 'kind', operator: '=', values: ['route'] }, fill: null, stroke: { color: '#cc0000', width: 3 }, point: null, label: null },
    { title: 'École', filter: { attribute: 'kind', operator: '=', values: ['ecole'] }, fill: { color: '#00aa00', opacity: 1 }, stroke: null, point: { symbol: 'star', size: 14 }, label: null },
  ],
};

const frame: MapFrame = { crs: 'EPSG:2154', bbox: boxFromWgs84([3.77, 43.54, 3.99, 43.67], 'EPSG:2154'), width: 256, height: 160 };

function pixelAt(png: Uint8Array, x: number, y: number): number[] {
  const image = decode(png);
  const i = (y * image.width + x) * image.channels;
  return [...image.data.slice(i, i + image.channels)];
}

function toPixel(lon: number, lat: number): [number, number] {
  const [x, y] = transformsFor('EPSG:2154').forward(lon, lat);
  const [minx, miny, maxx, maxy] = frame.bbox;
  return [Math.floor(((x - minx) / (maxx - minx)) * frame.width), Math.floor(((maxy - y) / (maxy - miny)) * frame.height)];
}

describe('map rendering', () => {
  it('draws each class with its colours in EPSG:2154, and matches the committed reference image', () => {
    const png = svgToPng(Resvg, renderSvg(frame, [{ features, style }]), font);
    const [sx, sy] = toPixel(3.82, 43.60);
    expect(pixelAt(png, sx, sy)).toEqual([255, 204, 0, 255]);
    const [lx, ly] = toPixel(3.935, 43.59);
    const large = pixelAt(png, lx, ly);
    expect(large[2]).toBeGreaterThan(150); // half-transparent blue over a transparent background
    expect(large[3]).toBeGreaterThan(100);
    expect(large[3]).toBeLessThan(160);
    const [px, py] = toPixel(3.83, 43.63);
    expect(pixelAt(png, px, py)).toEqual([0, 170, 0, 255]);
    expect(pixelAt(png, 250, 2)[3]).toBe(0); // transparent where nothing is drawn

    // A changed scene: UPDATE_REFERENCE=1 rewrites the image, to be looked at before committing it.
    if (process.env.UPDATE_REFERENCE) writeFileSync(REFERENCE, png);
    const reference = decode(readFileSync(REFERENCE));
    const actual = decode(png);
    expect([actual.width, actual.height]).toEqual([reference.width, reference.height]);
    let differing = 0;
    for (let i = 0; i < actual.data.length; i += 4) {
      const delta = Math.max(...[0, 1, 2, 3].map((c) => Math.abs(actual.data[i + c]! - reference.data[i + c]!)));
      if (delta > 24) differing++;
    }
    // Anti-aliasing and font hinting may move a few edge pixels between resvg builds, not more.
    expect(differing / (actual.width * actual.height)).toBeLessThan(0.01);
  });

  it('paints an opaque background when asked', () => {
    const png = svgToPng(Resvg, renderSvg(frame, [{ features, style }], { background: '#ffffff' }), font);
    expect(pixelAt(png, 250, 2)).toEqual([255, 255, 255, 255]);
  });

  it('draws the same features in the same place in EPSG:3857 and EPSG:4326', () => {
    for (const crs of ['EPSG:3857', 'EPSG:4326', 'EPSG:3943'] as const) {
      const f: MapFrame = { crs, bbox: boxFromWgs84([3.78, 43.50, 3.87, 43.70], crs), width: 100, height: 100 };
      const png = svgToPng(Resvg, renderSvg(f, [{ features: [features[0]!], style }]), font);
      expect(pixelAt(png, 50, 60)).toEqual([255, 204, 0, 255]);
      expect(pixelAt(png, 50, 5)[3]).toBe(0);
    }
  });

  it('finds the feature under a pixel: inside polygons, near lines and points', () => {
    const [sx, sy] = toPixel(3.82, 43.60);
    expect(hitsPixel(features[0]!.geometry, frame, [sx, sy], 3)).toBe(true);
    expect(hitsPixel(features[1]!.geometry, frame, [sx, sy], 3)).toBe(false);
    const [px, py] = toPixel(3.83, 43.63);
    expect(hitsPixel(features[3]!.geometry, frame, [px + 2, py], 3)).toBe(true);
    expect(hitsPixel(features[3]!.geometry, frame, [px + 20, py], 3)).toBe(false);
  });

  it('renders a legend row per class', () => {
    const legend = renderLegendSvg(style, 'polygon', { layerTitle: 'Communes' });
    const png = svgToPng(Resvg, legend.svg, font);
    expect(decode(png).height).toBe(legend.height);
    expect(pixelAt(png, 12, 22 + 10)).toEqual([255, 204, 0, 255]);
  });

  it('reads the CRS names clients send and projects Lambert 93 as PROJ does', () => {
    expect(parseCrs('urn:ogc:def:crs:EPSG::2154')).toBe('EPSG:2154');
    expect(parseCrs('epsg:4326')).toBe('EPSG:4326');
    expect(parseCrs('CRS:84')).toBe('CRS:84');
    expect(parseCrs('EPSG:27572')).toBeNull();
    // Montpellier's Comédie, against GDAL/PROJ (gdaltransform -s_srs EPSG:4326 -t_srs EPSG:n): within a metre.
    const expected = { 'EPSG:2154': [771040.48, 6279234.34], 'EPSG:3943': [1771016.19, 2267981.96], 'EPSG:3944': [1771013.82, 3156894.25], 'EPSG:3945': [1771032.86, 4045773.85] } as const;
    for (const [crs, [ex, ey]] of Object.entries(expected)) {
      const [x, y] = transformsFor(crs as keyof typeof expected).forward(3.8797, 43.6086);
      expect(Math.abs(x - ex)).toBeLessThan(1);
      expect(Math.abs(y - ey)).toBeLessThan(1);
    }
    const back = boxToWgs84(boxFromWgs84([3, 43, 4, 44], 'EPSG:3944'), 'EPSG:3944');
    expect(back[0]).toBeCloseTo(3, 1);
  });
});

describe('layer boxes given to clients', () => {
  it('widens the box of a one-point layer or a layer on one meridian, and keeps any other box as it is', () => {
    const close = (box: number[], expected: number[]) => expected.forEach((v, i) => expect(box[i]).toBeCloseTo(v, 9));
    close(servableBox([3.5, 43.6, 3.5, 43.6]), [3.4995, 43.5995, 3.5005, 43.6005]);
    close(servableBox([3.5, 43.6, 3.5, 43.7]), [3.4995, 43.6, 3.5005, 43.7]);
    expect(servableBox([3.3, 43.7, 3.4, 43.74])).toEqual([3.3, 43.7, 3.4, 43.74]);
  });
});
