// Map CRSs the WMS offers (the IDGO list plus CRS:84), their proj4 definitions, axis order per WMS version and
// transforms from layer coordinates (EPSG:4326, lon/lat) into them.
import proj4 from 'proj4';

export const WMS_CRS = ['CRS:84', 'EPSG:4326', 'EPSG:3857', 'EPSG:2154', 'EPSG:4171', 'EPSG:3943', 'EPSG:3944', 'EPSG:3945'] as const;
export type WmsCrs = (typeof WMS_CRS)[number];

const DEFINITIONS: Partial<Record<WmsCrs, string>> = {
  'EPSG:2154': '+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  'EPSG:4171': '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs',
  'EPSG:3943': '+proj=lcc +lat_0=43 +lon_0=3 +lat_1=42.25 +lat_2=43.75 +x_0=1700000 +y_0=2200000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  'EPSG:3944': '+proj=lcc +lat_0=44 +lon_0=3 +lat_1=43.25 +lat_2=44.75 +x_0=1700000 +y_0=3200000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  'EPSG:3945': '+proj=lcc +lat_0=45 +lon_0=3 +lat_1=44.25 +lat_2=45.75 +x_0=1700000 +y_0=4200000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
};

/** Accepts the CRS names clients send (EPSG:n, the OGC URN, CRS:84) and returns the canonical one, or null. */
export function parseCrs(value: string): WmsCrs | null {
  const v = value.trim().toUpperCase();
  const urn = /^URN:OGC:DEF:CRS:EPSG:[\d.]*:(\d+)$/.exec(v);
  const ogcUrn = /^URN:OGC:DEF:CRS:OGC:[\d.]*:CRS84$/.test(v);
  const name = ogcUrn ? 'CRS:84' : urn ? `EPSG:${urn[1]}` : v === 'EPSG:900913' ? 'EPSG:3857' : v;
  return (WMS_CRS as readonly string[]).includes(name) ? (name as WmsCrs) : null;
}

/** Geographic CRSs whose EPSG axis order is latitude first: WMS 1.3.0 honours it, 1.1.1 and CRS:84 never. */
export function isLatLonAxis(crs: WmsCrs, wmsVersion: string): boolean {
  return wmsVersion === '1.3.0' && (crs === 'EPSG:4326' || crs === 'EPSG:4171');
}

export type Transform = (lon: number, lat: number) => [number, number];
const transforms = new Map<WmsCrs, { forward: Transform; inverse: Transform }>();

const R = 6378137;
const MAX_LAT = 85.0511287798066;

/** lon/lat (EPSG:4326) → x/y in the CRS, and back. Web Mercator is inlined: it is the hot path of map tiles. */
export function transformsFor(crs: WmsCrs): { forward: Transform; inverse: Transform } {
  const hit = transforms.get(crs);
  if (hit) return hit;
  let made: { forward: Transform; inverse: Transform };
  if (crs === 'CRS:84' || crs === 'EPSG:4326' || crs === 'EPSG:4171') {
    // RGF93 and WGS 84 coincide at the map scales served (the IDGO zero towgs84).
    made = { forward: (lon, lat) => [lon, lat], inverse: (x, y) => [x, y] };
  } else if (crs === 'EPSG:3857') {
    made = {
      forward: (lon, lat) => {
        const clamped = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
        return [(lon * Math.PI * R) / 180, R * Math.log(Math.tan(Math.PI / 4 + (clamped * Math.PI) / 360))];
      },
      inverse: (x, y) => [(x / R) * (180 / Math.PI), (2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * (180 / Math.PI)],
    };
  } else {
    const converter = proj4('EPSG:4326', DEFINITIONS[crs]!);
    made = {
      forward: (lon, lat) => converter.forward([lon, lat]) as [number, number],
      inverse: (x, y) => converter.inverse([x, y]) as [number, number],
    };
  }
  transforms.set(crs, made);
  return made;
}

export type Box = [number, number, number, number];

/** Envelope of a box after transformation, sampling its edges (projected edges are curves). */
function transformBox(box: Box, transform: Transform): Box {
  const [minx, miny, maxx, maxy] = box;
  const steps = 16;
  let out: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i <= steps; i++) {
    const fx = minx + ((maxx - minx) * i) / steps;
    const fy = miny + ((maxy - miny) * i) / steps;
    for (const [x, y] of [[fx, miny], [fx, maxy], [minx, fy], [maxx, fy]] as const) {
      const [tx, ty] = transform(x, y);
      if (!Number.isFinite(tx) || !Number.isFinite(ty)) continue;
      out = [Math.min(out[0], tx), Math.min(out[1], ty), Math.max(out[2], tx), Math.max(out[3], ty)];
    }
  }
  return out;
}

/** A lon/lat box in the CRS (x/y order). */
export const boxFromWgs84 = (box: Box, crs: WmsCrs): Box => transformBox(box, transformsFor(crs).forward);

/** A CRS box (x/y order) as a lon/lat box. */
export const boxToWgs84 = (box: Box, crs: WmsCrs): Box => transformBox(box, transformsFor(crs).inverse);

/** A one-point (or one-line) layer's box widened by about 50 m: clients derive GetMap boxes from it, and an empty
 *  box is refused by every WMS, ours included. */
export function servableBox([w, s, e, n]: Box): Box {
  const pad = 0.0005;
  return [e - w < 1e-6 ? w - pad : w, n - s < 1e-6 ? s - pad : s, e - w < 1e-6 ? e + pad : e, n - s < 1e-6 ? n + pad : n];
}
