// Well-Known Binary geometries (ISO and EWKB variants, Z/M dropped) to GeoJSON, for GeoPackage blobs. Hand-written:
// the npm parsers need Node's Buffer or bring far more than the six OGC simple feature types (docs/decisions.md).
import type { Geometry, Position } from 'geojson';
import { GeoError } from './geo-sources';

export function readWkb(bytes: Uint8Array, start = 0): Geometry {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = start;
  const fail = () => new GeoError('Une géométrie de la GeoPackage est illisible (WKB invalide ou tronqué).');
  const read = (): Geometry => {
    if (at + 5 > view.byteLength) throw fail();
    const little = view.getUint8(at) === 1;
    let type = view.getUint32(at + 1, little);
    at += 5;
    // EWKB flags: Z 0x80000000, M 0x40000000, SRID 0x20000000.
    let dims = 2;
    if (type & 0x80000000) dims++;
    if (type & 0x40000000) dims++;
    if (type & 0x20000000) at += 4;
    type &= 0x0fffffff;
    // ISO: 1000 Z, 2000 M, 3000 ZM.
    const iso = Math.floor(type / 1000);
    if (iso === 1 || iso === 2) dims = 3;
    if (iso === 3) dims = 4;
    type %= 1000;
    const uint = () => {
      if (at + 4 > view.byteLength) throw fail();
      const value = view.getUint32(at, little);
      at += 4;
      return value;
    };
    const point = (): Position => {
      if (at + 8 * dims > view.byteLength) throw fail();
      const p = [view.getFloat64(at, little), view.getFloat64(at + 8, little)];
      at += 8 * dims;
      return p;
    };
    const points = () => Array.from({ length: uint() }, point);
    const rings = () => Array.from({ length: uint() }, points);
    const parts = <T extends Geometry>(expected: string) => Array.from({ length: uint() }, () => {
      const g = read();
      if (g.type !== expected) throw fail();
      return g as T;
    });
    switch (type) {
      case 1: return { type: 'Point', coordinates: point() };
      case 2: return { type: 'LineString', coordinates: points() };
      case 3: return { type: 'Polygon', coordinates: rings() };
      case 4: return { type: 'MultiPoint', coordinates: parts<{ type: 'Point'; coordinates: Position }>('Point').map((g) => g.coordinates) };
      case 5: return { type: 'MultiLineString', coordinates: parts<{ type: 'LineString'; coordinates: Position[] }>('LineString').map((g) => g.coordinates) };
      case 6: return { type: 'MultiPolygon', coordinates: parts<{ type: 'Polygon'; coordinates: Position[][] }>('Polygon').map((g) => g.coordinates) };
      case 7: return { type: 'GeometryCollection', geometries: Array.from({ length: uint() }, read) };
      default: throw new GeoError(`Type de géométrie WKB non pris en charge (code ${type}) : une couche contient des points, des lignes ou des polygones.`);
    }
  };
  return read();
}

/** A GeoPackage geometry blob: "GP" header (version, flags, srs id, optional envelope), then WKB. */
export function readGpkgGeometry(blob: Uint8Array): Geometry | null {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) throw new GeoError('Une géométrie de la GeoPackage n’a pas l’en-tête « GP » attendu.');
  const flags = blob[3]!;
  if (flags & 0x10) return null; // empty geometry
  const envelope = [0, 32, 48, 48, 64][(flags >> 1) & 0x07];
  if (envelope === undefined) throw new GeoError('Une géométrie de la GeoPackage a une enveloppe invalide.');
  return readWkb(blob, 8 + envelope);
}
