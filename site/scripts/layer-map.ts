// Dataset page map island: Leaflet + protomaps-leaflet over the layer's vector tiles served by the portal, drawn
// with the layer's saved style (the same model as WMS GetMap). No remote background: a plain colour, offline.
import L from 'leaflet';
import { CenteredTextSymbolizer, leafletLayer, type Feature, type LabelRule, type PaintRule, type PaintSymbolizer } from 'protomaps-leaflet';
import { PMTiles } from 'pmtiles';
import { compileFilter, type Style, type StyleClass } from '../../worker/src/domain/style';

interface LayerMapData {
  name: string;
  title: string;
  geometryType: string;
  bbox: [number, number, number, number];
  /** The layer's PMTiles archive (read by range requests). */
  tilesPath: string;
  style: Style;
}

type Point = { x: number; y: number };

function symbolPath(ctx: CanvasRenderingContext2D, symbol: string, x: number, y: number, size: number): void {
  const r = size / 2;
  ctx.beginPath();
  if (symbol === 'square') ctx.rect(x - r, y - r, size, size);
  else if (symbol === 'triangle') {
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y + r);
    ctx.lineTo(x - r, y + r);
  } else if (symbol === 'star') {
    for (let i = 0; i < 10; i++) {
      const radius = i % 2 === 0 ? r : r * 0.4;
      const angle = -Math.PI / 2 + (i * Math.PI) / 5;
      ctx[i === 0 ? 'moveTo' : 'lineTo'](x + radius * Math.cos(angle), y + radius * Math.sin(angle));
    }
  } else ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.closePath();
}

function applyPaint(ctx: CanvasRenderingContext2D, cls: StyleClass, fill: boolean): void {
  if (fill && cls.fill) {
    ctx.globalAlpha = cls.fill.opacity;
    ctx.fillStyle = cls.fill.color;
    ctx.fill('evenodd');
    ctx.globalAlpha = 1;
  }
  if (cls.stroke && cls.stroke.width > 0) {
    ctx.strokeStyle = cls.stroke.color;
    ctx.lineWidth = cls.stroke.width;
    ctx.lineJoin = 'round';
    ctx.stroke();
  }
}

/** One symbolizer per class, drawing what WMS GetMap draws: polygons, lines and point markers. */
function classSymbolizer(cls: StyleClass): PaintSymbolizer {
  return {
    before() {},
    draw(ctx: CanvasRenderingContext2D, geom: Point[][], _z: number, feature: Feature) {
      if (feature.geomType === 1) {
        for (const part of geom) for (const p of part) {
          symbolPath(ctx, cls.point?.symbol ?? 'circle', p.x, p.y, cls.point?.size ?? 8);
          if (!cls.fill && !cls.stroke) {
            ctx.fillStyle = '#555555';
            ctx.fill();
          } else applyPaint(ctx, cls, true);
        }
        return;
      }
      ctx.beginPath();
      for (const ring of geom) {
        ring.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
        if (feature.geomType === 3) ctx.closePath();
      }
      applyPaint(ctx, cls, feature.geomType === 3);
    },
  } as unknown as PaintSymbolizer;
}

async function mountMap(element: HTMLElement): Promise<void> {
  const data = JSON.parse(element.dataset.layerMap ?? '{}') as LayerMapData;
  element.replaceChildren();
  const [west, south, east, north] = data.bbox;
  const map = L.map(element, { attributionControl: false, zoomSnap: 0.25, maxZoom: 18 });
  map.fitBounds([[south, west], [north, east]], { padding: [12, 12] });
  const paintRules: PaintRule[] = data.style.classes.map((cls) => {
    const matches = compileFilter(cls.filter);
    return { dataLayer: data.name, symbolizer: classSymbolizer(cls), filter: (_z: number, f: Feature) => matches(f.props as Record<string, unknown>) };
  });
  // Labels as in WMS: the class's attribute, size and colour, with a white halo; collisions are resolved by the library.
  const labelRules: LabelRule[] = data.style.classes.flatMap((cls) => {
    if (!cls.label) return [];
    const matches = compileFilter(cls.filter);
    const { attribute, size, color } = cls.label;
    return [{
      dataLayer: data.name,
      symbolizer: new CenteredTextSymbolizer({ labelProps: [attribute], fill: color, fontSize: size, fontFamily: 'sans-serif', stroke: '#ffffff', width: 2 }),
      filter: (_z: number, f: Feature) => matches(f.props as Record<string, unknown>),
    }];
  });
  // Past the archive's deepest zoom the tiles are drawn over-zoomed from it (protomaps-leaflet opens the archive
  // with its own copy of pmtiles; this one only reads the header).
  const { maxZoom } = await new PMTiles(data.tilesPath).getHeader();
  // protomaps-leaflet extends the global Leaflet.
  (window as unknown as { L: typeof L }).L = L;
  const layer = leafletLayer({ url: data.tilesPath, paintRules, labelRules, maxDataZoom: maxZoom });
  layer.addTo(map);
  element.dataset.mapReady = 'true';
}

for (const element of document.querySelectorAll<HTMLElement>('[data-layer-map]')) void mountMap(element);
