// Where a datastore resource's rows are on a map: a GeoJSON column, or a latitude and a longitude column found by
// name (the seed asks for "latitude" and "longitude"; x/y and lat/lon/lng are common in exports) whose values stay
// within WGS84 ranges. Pure rules, shared by the explorer island and its tests.
import type { DatastoreField } from './datastore-query';

export type Placement =
  | { kind: 'geometry'; column: string }
  | { kind: 'point'; lat: string; lon: string };

const LAT_NAMES = ['latitude', 'lat', 'y', 'coord_y', 'coordonnee_y', 'wgs84_lat', 'lat_wgs84', 'latitude_wgs84', 'geo_lat'];
const LON_NAMES = ['longitude', 'lon', 'lng', 'long', 'x', 'coord_x', 'coordonnee_x', 'wgs84_lon', 'lon_wgs84', 'longitude_wgs84', 'geo_lon'];

const isNumeric = (f: DatastoreField) => f.type === 'decimal' || f.type === 'integer';

/** The first field whose lower-cased id is the earliest name of the list (so "latitude" beats "y"). */
function byName(fields: readonly DatastoreField[], names: readonly string[]): DatastoreField | undefined {
  for (const name of names) {
    const found = fields.find((f) => isNumeric(f) && f.id.toLowerCase() === name);
    if (found) return found;
  }
  return undefined;
}

/** Candidate columns from names and types alone; `withinWgs84` then checks the values. A geometry column wins. */
export function detectPlacement(fields: readonly DatastoreField[]): Placement | null {
  const geometry = fields.find((f) => f.type === 'geometry');
  if (geometry) return { kind: 'geometry', column: geometry.id };
  const lat = byName(fields, LAT_NAMES);
  const lon = byName(fields, LON_NAMES);
  if (!lat || !lon || lat.id === lon.id) return null;
  // x/y alone are often projected coordinates (Lambert 93): only paired with each other, and checked by range.
  const xy = ['x', 'y'].includes(lat.id.toLowerCase()) !== ['x', 'y'].includes(lon.id.toLowerCase());
  if (xy) return null;
  return { kind: 'point', lat: lat.id, lon: lon.id };
}

export interface Extent {
  latMin: number | null;
  latMax: number | null;
  lonMin: number | null;
  lonMax: number | null;
}

/** True when every value is a WGS84 degree (and at least one is present): Lambert 93 metres or swapped axes fail. */
export function withinWgs84(e: Extent): boolean {
  if (e.latMin === null || e.latMax === null || e.lonMin === null || e.lonMax === null) return false;
  return e.latMin >= -90 && e.latMax <= 90 && e.lonMin >= -180 && e.lonMax <= 180;
}

/** The SQL (datastore_search_sql) that reads the extent of the two columns. */
export function extentSql(resourceId: string, p: Extract<Placement, { kind: 'point' }>): string {
  const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
  return `SELECT min(${q(p.lat)}) AS lat_min, max(${q(p.lat)}) AS lat_max, min(${q(p.lon)}) AS lon_min, max(${q(p.lon)}) AS lon_max FROM ${q(resourceId)}`;
}

/** A GeoJSON geometry's representative point [lat, lon] (first coordinate of its first part), or null. */
export function geometryAnchor(value: unknown): [number, number] | null {
  let geometry: unknown = value;
  if (typeof value === 'string') {
    try {
      geometry = JSON.parse(value);
    } catch {
      return null;
    }
  }
  let coords = (geometry as { coordinates?: unknown } | null)?.coordinates;
  while (Array.isArray(coords) && Array.isArray(coords[0])) coords = coords[0];
  if (!Array.isArray(coords) || typeof coords[0] !== 'number' || typeof coords[1] !== 'number') return null;
  const [lon, lat] = coords as [number, number];
  return withinWgs84({ latMin: lat, latMax: lat, lonMin: lon, lonMax: lon }) ? [lat, lon] : null;
}
