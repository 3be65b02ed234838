// Map rendering without bindings: features (GeoJSON, EPSG:4326) + style + extent → SVG, then SVG → PNG by resvg
// (WebAssembly; the Worker hands in the initialised module, see http/ogc/resvg.ts). Also the legend and the
// feature hit test of GetFeatureInfo, which share the pixel mapping.
import type { Feature, Geometry, Position } from 'geojson';
import { escapeXml } from './xml-tree';
import { compileFilter, type GeometryKind, type PointSymbol, type Style } from './style';
import { transformsFor, type Box, type WmsCrs } from './map-projection';

export interface MapFrame {
  /** Extent in the CRS, x/y order (callers swap lat/lon boxes of WMS 1.3.0 first). */
  bbox: Box;
  crs: WmsCrs;
  width: number;
  height: number;
}

export interface MapLayer {
  features: readonly Feature<Geometry | null, Record<string, unknown> | null>[];
  style: Style;
}

export const LABEL_FONT_FAMILY = 'Inter';

type Pixel = [number, number];

/** lon/lat → pixel of the frame. */
export function pixelMapper(frame: MapFrame): (position: Position) => Pixel {
  const { forward } = transformsFor(frame.crs);
  const [minx, miny, maxx, maxy] = frame.bbox;
  const sx = frame.width / (maxx - minx);
  const sy = frame.height / (maxy - miny);
  return (p) => {
    const [x, y] = forward(p[0]!, p[1]!);
    return [(x - minx) * sx, (maxy - y) * sy];
  };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Path data of one ring or line; consecutive points closer than half a pixel are dropped. */
function pathOf(points: readonly Position[], toPixel: (p: Position) => Pixel, close: boolean): string {
  let d = '';
  let last: Pixel | null = null;
  for (let i = 0; i < points.length; i++) {
    const pixel = toPixel(points[i]!);
    const isLast = i === points.length - 1;
    if (last && !isLast && Math.abs(pixel[0] - last[0]) < 0.5 && Math.abs(pixel[1] - last[1]) < 0.5) continue;
    d += `${last ? 'L' : 'M'}${round(pixel[0])} ${round(pixel[1])}`;
    last = pixel;
  }
  return close && d ? `${d}Z` : d;
}

function pointsOf(geometry: Geometry): Position[] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
      return geometry.coordinates;
    case 'GeometryCollection':
      return geometry.geometries.flatMap(pointsOf);
    default:
      return [];
  }
}

function linesOf(geometry: Geometry): Position[][] {
  switch (geometry.type) {
    case 'LineString':
      return [geometry.coordinates];
    case 'MultiLineString':
      return geometry.coordinates;
    case 'GeometryCollection':
      return geometry.geometries.flatMap(linesOf);
    default:
      return [];
  }
}

function polygonsOf(geometry: Geometry): Position[][][] {
  switch (geometry.type) {
    case 'Polygon':
      return [geometry.coordinates];
    case 'MultiPolygon':
      return geometry.coordinates;
    case 'GeometryCollection':
      return geometry.geometries.flatMap(polygonsOf);
    default:
      return [];
  }
}


function symbolPath(symbol: PointSymbol, [x, y]: Pixel, size: number): string {
  const r = size / 2;
  switch (symbol) {
    case 'circle':
      return `M${round(x - r)} ${round(y)}a${r} ${r} 0 1 0 ${size} 0a${r} ${r} 0 1 0 ${-size} 0Z`;
    case 'square':
      return `M${round(x - r)} ${round(y - r)}h${size}v${size}h${-size}Z`;
    case 'triangle':
      return `M${round(x)} ${round(y - r)}L${round(x + r)} ${round(y + r)}L${round(x - r)} ${round(y + r)}Z`;
    case 'star': {
      let d = '';
      for (let i = 0; i < 10; i++) {
        const radius = i % 2 === 0 ? r : r * 0.4;
        const angle = -Math.PI / 2 + (i * Math.PI) / 5;
        d += `${i === 0 ? 'M' : 'L'}${round(x + radius * Math.cos(angle))} ${round(y + radius * Math.sin(angle))}`;
      }
      return `${d}Z`;
    }
  }
}

/** Area-weighted centroid of a polygon's outer ring in pixels (the label anchor), or its first point if degenerate. */
function ringCentroid(ring: readonly Pixel[]): Pixel {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0, y0] = ring[j]!;
    const [x1, y1] = ring[i]!;
    const f = x0 * y1 - x1 * y0;
    area += f;
    cx += (x0 + x1) * f;
    cy += (y0 + y1) * f;
  }
  if (Math.abs(area) < 1e-9) return ring[0] ?? [0, 0];
  return [cx / (3 * area), cy / (3 * area)];
}

function labelAnchor(geometry: Geometry, toPixel: (p: Position) => Pixel): Pixel | null {
  const polygons = polygonsOf(geometry);
  if (polygons.length) {
    // The largest polygon of a multipolygon carries the label.
    let best: Pixel | null = null;
    let bestArea = -1;
    for (const polygon of polygons) {
      const ring = (polygon[0] ?? []).map(toPixel);
      let area = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) area += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
      if (Math.abs(area) > bestArea) {
        bestArea = Math.abs(area);
        best = ringCentroid(ring);
      }
    }
    return best;
  }
  const lines = linesOf(geometry);
  if (lines.length) {
    const line = lines[0]!;
    return line.length ? toPixel(line[Math.floor(line.length / 2)]!) : null;
  }
  const points = pointsOf(geometry);
  return points.length ? toPixel(points[0]!) : null;
}

function inFrame(p: Pixel, frame: MapFrame, margin: number): boolean {
  return p[0] >= -margin && p[1] >= -margin && p[0] <= frame.width + margin && p[1] <= frame.height + margin;
}

/**
 * One SVG for the frame. Every class draws the features its filter matches, in class order (SLD rule semantics);
 * labels go on top of all layers.
 */
export function renderSvg(frame: MapFrame, layers: readonly MapLayer[], options: { background?: string | null } = {}): string {
  const toPixel = pixelMapper(frame);
  const body: string[] = [];
  const labels: string[] = [];
  if (options.background) body.push(`<rect width="100%" height="100%" fill="${escapeXml(options.background)}"/>`);
  for (const layer of layers) {
    for (const cls of layer.style.classes) {
      const matches = compileFilter(cls.filter);
      const areas: string[] = [];
      const lines: string[] = [];
      const marks: string[] = [];
      for (const feature of layer.features) {
        const geometry = feature.geometry;
        if (!geometry || !matches(feature.properties)) continue;
        for (const polygon of polygonsOf(geometry)) areas.push(polygon.map((ring) => pathOf(ring, toPixel, true)).join(''));
        for (const line of linesOf(geometry)) lines.push(pathOf(line, toPixel, false));
        const size = cls.point?.size ?? 8;
        for (const point of pointsOf(geometry)) {
          const pixel = toPixel(point);
          if (inFrame(pixel, frame, size)) marks.push(symbolPath(cls.point?.symbol ?? 'circle', pixel, size));
        }
        if (cls.label) {
          const value = feature.properties?.[cls.label.attribute];
          const anchor = value === null || value === undefined || value === '' ? null : labelAnchor(geometry, toPixel);
          if (anchor && inFrame(anchor, frame, 0)) {
            const dy = pointsOf(geometry).length ? -(cls.point?.size ?? 8) / 2 - 2 : cls.label.size / 3;
            labels.push(
              `<text x="${round(anchor[0])}" y="${round(anchor[1] + dy)}" font-size="${cls.label.size}" fill="${cls.label.color}">${escapeXml(String(value))}</text>`,
            );
          }
        }
      }
      const fill = cls.fill ? `fill="${cls.fill.color}" fill-opacity="${cls.fill.opacity}"` : 'fill="none"';
      const stroke = cls.stroke && cls.stroke.width > 0 ? `stroke="${cls.stroke.color}" stroke-width="${cls.stroke.width}" stroke-linejoin="round"` : 'stroke="none"';
      if (areas.length && (cls.fill || cls.stroke)) body.push(`<path fill-rule="evenodd" ${fill} ${stroke} d="${areas.join('')}"/>`);
      if (lines.length && cls.stroke) body.push(`<path fill="none" ${stroke} stroke-linecap="round" d="${lines.join('')}"/>`);
      if (marks.length) {
        // A point class without fill or stroke still shows its marker, in a neutral grey.
        const markFill = cls.fill || cls.stroke ? fill : 'fill="#555555"';
        body.push(`<path ${markFill} ${stroke} d="${marks.join('')}"/>`);
      }
    }
  }
  const labelGroup = labels.length
    ? `<g font-family="${LABEL_FONT_FAMILY}" text-anchor="middle" stroke="#ffffff" stroke-width="2" stroke-opacity="0.8" paint-order="stroke">${labels.join('')}</g>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${frame.width}" height="${frame.height}" viewBox="0 0 ${frame.width} ${frame.height}">${body.join('')}${labelGroup}</svg>`;
}

/** Legend: one row per class (swatch + title), as GetLegendGraphic and the editor show it. */
export function renderLegendSvg(style: Style, kind: GeometryKind, options: { layerTitle?: string } = {}): { svg: string; width: number; height: number } {
  const row = 22;
  const top = options.layerTitle ? 22 : 4;
  const titles = style.classes.map((c) => c.title || style.name);
  const longest = Math.max(options.layerTitle?.length ?? 0, ...titles.map((t) => t.length));
  const width = Math.min(600, Math.max(80, 34 + Math.ceil(longest * 6.6)));
  const height = top + row * style.classes.length + 4;
  const parts: string[] = [];
  if (options.layerTitle) parts.push(`<text x="4" y="15" font-size="12" font-weight="bold">${escapeXml(options.layerTitle)}</text>`);
  style.classes.forEach((cls, i) => {
    const y = top + i * row;
    const fill = cls.fill ? `fill="${cls.fill.color}" fill-opacity="${cls.fill.opacity}"` : 'fill="none"';
    const stroke = cls.stroke && cls.stroke.width > 0 ? `stroke="${cls.stroke.color}" stroke-width="${Math.min(cls.stroke.width, 4)}"` : 'stroke="none"';
    if (kind === 'point') {
      const size = Math.min(cls.point?.size ?? 8, 18);
      parts.push(`<path ${cls.fill || cls.stroke ? fill : 'fill="#555555"'} ${stroke} d="${symbolPath(cls.point?.symbol ?? 'circle', [13, y + 10], size)}"/>`);
    } else if (kind === 'line') {
      parts.push(`<path fill="none" ${stroke} d="M4 ${y + 14}L10 ${y + 6}L16 ${y + 14}L22 ${y + 6}"/>`);
    } else {
      parts.push(`<rect x="4" y="${y + 2}" width="18" height="16" ${fill} ${stroke}/>`);
    }
    parts.push(`<text x="30" y="${y + 15}" font-size="12">${escapeXml(titles[i]!)}</text>`);
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><g font-family="${LABEL_FONT_FAMILY}" fill="#1b1b1b">${parts.join('')}</g></svg>`;
  return { svg, width, height };
}

function pointInRing(p: Pixel, ring: readonly Pixel[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function distanceToSegment(p: Pixel, a: Pixel, b: Pixel): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** Whether the feature is under the pixel: inside a polygon, or within `tolerance` pixels of a line or point. */
export function hitsPixel(geometry: Geometry, frame: MapFrame, pixel: Pixel, tolerance: number): boolean {
  const toPixel = pixelMapper(frame);
  for (const polygon of polygonsOf(geometry)) {
    const rings = polygon.map((ring) => ring.map(toPixel));
    if (rings[0] && pointInRing(pixel, rings[0]) && !rings.slice(1).some((hole) => pointInRing(pixel, hole))) return true;
  }
  for (const line of linesOf(geometry)) {
    const pixels = line.map(toPixel);
    for (let i = 1; i < pixels.length; i++) if (distanceToSegment(pixel, pixels[i - 1]!, pixels[i]!) <= tolerance) return true;
  }
  return pointsOf(geometry).some((p) => {
    const [x, y] = toPixel(p);
    return Math.hypot(x - pixel[0], y - pixel[1]) <= tolerance;
  });
}

/** The resvg module surface used here (the package's class), so this file stays free of the wasm import. */
export interface ResvgConstructor {
  new (svg: string, options?: {
    font?: { fontBuffers?: Uint8Array[]; defaultFontFamily?: string; sansSerifFamily?: string; loadSystemFonts?: boolean };
    fitTo?: { mode: 'original' };
    shapeRendering?: 0 | 1 | 2;
  }): { render(): { asPng(): Uint8Array; free(): void }; free(): void };
}

export function svgToPng(Resvg: ResvgConstructor, svg: string, font: Uint8Array): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'original' },
    font: { fontBuffers: [font], defaultFontFamily: LABEL_FONT_FAMILY, sansSerifFamily: LABEL_FONT_FAMILY, loadSystemFonts: false },
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
