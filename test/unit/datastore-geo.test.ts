import { describe, expect, it } from 'vitest';
import { detectPlacement, extentSql, geometryAnchor, withinWgs84 } from '../../worker/src/domain/datastore-geo';
import type { DatastoreField } from '../../worker/src/domain/datastore-query';

const f = (id: string, type: DatastoreField['type'] = 'decimal'): DatastoreField => ({ id, label: id, type });

describe('detectPlacement', () => {
  it.each([
    [['latitude', 'longitude'], 'latitude', 'longitude'],
    [['Latitude', 'Longitude'], 'Latitude', 'Longitude'],
    [['lat', 'lon'], 'lat', 'lon'],
    [['lat', 'lng'], 'lat', 'lng'],
    [['LAT', 'LONG'], 'LAT', 'LONG'],
    [['y', 'x'], 'y', 'x'],
    [['coord_x', 'coord_y'], 'coord_y', 'coord_x'],
  ])('finds %j as latitude and longitude', (names, lat, lon) => {
    expect(detectPlacement([f('nom', 'text'), ...names.map((n) => f(n))])).toEqual({ kind: 'point', lat, lon });
  });

  it('prefers the explicit names to x/y when a file has both (x/y are often Lambert 93)', () => {
    expect(detectPlacement([f('x'), f('y'), f('latitude'), f('longitude')])).toEqual({ kind: 'point', lat: 'latitude', lon: 'longitude' });
  });

  it('does not pair x or y with a named coordinate', () => {
    expect(detectPlacement([f('latitude'), f('x')])).toBeNull();
    expect(detectPlacement([f('y'), f('longitude')])).toBeNull();
  });

  it('needs numeric columns, and both of them', () => {
    expect(detectPlacement([f('latitude', 'text'), f('longitude', 'text')])).toBeNull();
    expect(detectPlacement([f('latitude')])).toBeNull();
    expect(detectPlacement([f('latitude_ecole'), f('longitude_ecole')])).toBeNull();
    expect(detectPlacement([f('lat', 'integer'), f('lon', 'integer')])).toEqual({ kind: 'point', lat: 'lat', lon: 'lon' });
  });

  it('takes a GeoJSON column first', () => {
    expect(detectPlacement([f('latitude'), f('longitude'), f('geometry', 'geometry')])).toEqual({ kind: 'geometry', column: 'geometry' });
  });
});

describe('withinWgs84', () => {
  it('accepts degrees and refuses projected metres, swapped or empty columns', () => {
    expect(withinWgs84({ latMin: 43.1, latMax: 44.9, lonMin: 1.2, lonMax: 4.8 })).toBe(true);
    expect(withinWgs84({ latMin: -90, latMax: 90, lonMin: -180, lonMax: 180 })).toBe(true);
    expect(withinWgs84({ latMin: 6_200_000, latMax: 6_400_000, lonMin: 700_000, lonMax: 800_000 })).toBe(false);
    expect(withinWgs84({ latMin: 1.2, latMax: 120, lonMin: 43, lonMax: 44 })).toBe(false);
    expect(withinWgs84({ latMin: null, latMax: null, lonMin: null, lonMax: null })).toBe(false);
  });
});

describe('extentSql and geometryAnchor', () => {
  it('reads the extent of the two columns of the resource, quoted', () => {
    expect(extentSql('abc-1', { kind: 'point', lat: 'lat', lon: 'lon' }))
      .toBe('SELECT min("lat") AS lat_min, max("lat") AS lat_max, min("lon") AS lon_min, max("lon") AS lon_max FROM "abc-1"');
  });

  it('anchors points, lines and polygons at their first WGS84 position; anything else is null', () => {
    expect(geometryAnchor('{"type":"Point","coordinates":[3.88,43.61]}')).toEqual([43.61, 3.88]);
    expect(geometryAnchor({ type: 'LineString', coordinates: [[1.44, 43.6], [1.5, 43.7]] })).toEqual([43.6, 1.44]);
    expect(geometryAnchor({ type: 'MultiPolygon', coordinates: [[[[2.1, 44.2], [2.2, 44.3], [2.1, 44.2]]]] })).toEqual([44.2, 2.1]);
    expect(geometryAnchor('not json')).toBeNull();
    expect(geometryAnchor({ type: 'Point', coordinates: [770000, 6280000] })).toBeNull();
    expect(geometryAnchor(null)).toBeNull();
  });
});
