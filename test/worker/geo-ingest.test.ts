import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { findLayer, isServed } from '../../worker/src/store/geo-layers';
import { readFeatures } from '../../worker/src/store/geo-features';
import { geoId, LAYERS, publishGeo, runVectorIngest } from './geo-fixtures';

describe('vector ingest', () => {
  it('turns Shapefiles and GeoJSON in Lambert 93 and WGS 84 into served layers with WGS 84 features', async () => {
    await publishGeo(LAYERS);
    const { acked } = await runVectorIngest(...LAYERS.map((l) => l.id));
    expect(acked).toHaveLength(4);
    const [aires, zones, points, lambert] = await Promise.all(LAYERS.map((l) => findLayer(env.DB, l.id)));

    expect(aires).toMatchObject({ name: 'aires_de_covoiturage', status: 'ready', sourceCrs: 'EPSG:2154', geometryType: 'Point', featureCount: 120 });
    expect(aires!.fields).toEqual([{ name: 'nom', type: 'string' }, { name: 'places', type: 'integer' }, { name: 'categorie', type: 'string' }, { name: 'note', type: 'number' }]);
    // Lambert 93 reprojected: the first point was at 3.6, 43.5.
    const [minx, miny, maxx, maxy] = aires!.bbox!;
    expect(minx).toBeCloseTo(3.6, 5);
    expect(miny).toBeCloseTo(43.5, 5);
    expect(maxx).toBeCloseTo(4.535, 5);
    expect(maxy).toBeCloseTo(43.95, 5);
    expect(zones).toMatchObject({ name: 'zones_du_gard', sourceCrs: 'EPSG:4326', geometryType: 'Polygon', featureCount: 30 });
    expect(points).toMatchObject({ sourceCrs: 'EPSG:4326', geometryType: 'Point', featureCount: 120 });
    expect(lambert).toMatchObject({ sourceCrs: 'EPSG:2154', geometryType: 'Polygon', featureCount: 30 });
    expect(lambert!.bbox![0]).toBeCloseTo(3.5, 5);

    // Attributes: UTF-8 from the .cpg, Latin-1 detected without one.
    const read = await readFeatures(env, aires as never, { limit: 200 });
    expect(read.features.map((f) => f.properties.nom)).toContain('Aire n°1 – Nîmes');
    expect(read.matched).toBe(120);
    const zoneFeatures = await readFeatures(env, zones as never, {});
    expect(zoneFeatures.features.map((f) => f.properties.nom)).toContain('Zone 0 ? Gard');
    expect(zoneFeatures.features.find((f) => f.properties.code === '30007')!.geometry).toMatchObject({ type: 'Polygon' });
    expect((zoneFeatures.features.find((f) => f.properties.code === '30007')!.geometry as { coordinates: unknown[] }).coordinates).toHaveLength(2);

    // Both files are in R2 under the layer version.
    expect(aires!.fgbKey).toBe(`layers/${aires!.resourceId}/${aires!.versionId}/layer.fgb`);
    expect(await env.FILES.head(aires!.pmtilesKey!)).not.toBeNull();
  });

  it('reads a GeoPackage with sql.js: Lambert 93 polygons, attributes', async () => {
    const id = geoId(40);
    await publishGeo([{ id, title: 'Zones GeoPackage', format: 'GPKG', file: 'polygons-2154.gpkg' }]);
    await runVectorIngest(id);
    const layer = (await findLayer(env.DB, id))!;
    expect(layer).toMatchObject({ status: 'ready', sourceCrs: 'EPSG:2154', geometryType: 'Polygon', featureCount: 30, error: null });
    expect(layer.bbox![0]).toBeCloseTo(3.5, 5);
    expect(layer.fields.map((f) => f.name)).toEqual(['code', 'nom', 'surface']);
  });

  it('reads GPX tracks, KML placemarks and CSV coordinate columns; a CSV without coordinates is no layer', async () => {
    const [gpx, kml, csv, plain] = [geoId(42), geoId(43), geoId(44), geoId(45)];
    await publishGeo([
      { id: gpx, title: 'Sentiers GPX', format: 'GPX', file: 'sentier.gpx' },
      { id: kml, title: 'Musées KML', format: 'KML', file: 'musees.kml' },
      { id: csv, title: 'Parkings CSV', format: 'CSV', file: 'parkings.csv' },
      { id: plain, title: 'Montants', format: 'CSV', file: 'sans-coordonnees.csv' },
    ]);
    await runVectorIngest(gpx, kml, csv, plain);
    expect(await findLayer(env.DB, gpx)).toMatchObject({ status: 'ready', geometryType: 'LineString', featureCount: 2 });
    const museums = (await findLayer(env.DB, kml))!;
    expect(museums).toMatchObject({ status: 'ready', geometryType: 'Point', featureCount: 3 });
    expect(museums.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['name', 'description']));
    const parkings = (await findLayer(env.DB, csv))!;
    expect(parkings).toMatchObject({ status: 'ready', geometryType: 'Point', featureCount: 3 });
    expect(parkings.bbox![0]).toBeCloseTo(3.866, 3);
    expect(parkings.fields.map((f) => f.name)).toEqual(['nom', 'commune', 'places']);
    expect(await findLayer(env.DB, plain)).toBeNull();
  });

  it('uses the CRS the contributor chose, and says so when it cannot match the coordinates', async () => {
    const id = geoId(41);
    await publishGeo([{ id, title: 'Zones mal déclarées', format: 'GeoJSON', file: 'polygons-2154.geojson' }]);
    // Lambert 93 metres read as degrees fall off the globe.
    await env.DB.prepare("UPDATE resources SET crs = 'EPSG:4326' WHERE id = ?").bind(id).run();
    await runVectorIngest(id);
    const wrong = (await findLayer(env.DB, id))!;
    expect(wrong.status).toBe('failed');
    expect(wrong.error).toContain('hors du globe une fois reprojetées depuis EPSG:4326');
    await env.DB.prepare("UPDATE resources SET crs = 'EPSG:2154' WHERE id = ?").bind(id).run();
    await runVectorIngest(id);
    expect(await findLayer(env.DB, id)).toMatchObject({ status: 'ready', sourceCrs: 'EPSG:2154', featureCount: 30 });
  });

  it('reads by bounding box through the index, whole or by ranges, with paging that pages', async () => {
    await publishGeo([LAYERS[2]!]);
    await runVectorIngest(LAYERS[2]!.id);
    const layer = (await findLayer(env.DB, LAYERS[2]!.id))!;
    expect(isServed(layer)).toBe(true);
    if (!isServed(layer)) return;
    const box: [number, number, number, number] = [3.59, 43.49, 3.8, 43.61];
    const inBox = (f: { geometry: unknown }) => {
      const [x, y] = (f.geometry as { coordinates: [number, number] }).coordinates;
      return x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3];
    };
    const all = await readFeatures(env, layer, {});
    const expected = all.features.filter(inBox).map((f) => f.id);
    expect(expected.length).toBe(9);
    const whole = await readFeatures(env, layer, { bbox: box });
    const ranged = await readFeatures(env, layer, { bbox: box }, 0);
    expect(whole.features.map((f) => f.id)).toEqual(expected);
    expect(ranged.features.map((f) => f.id)).toEqual(expected);
    const page1 = await readFeatures(env, layer, { limit: 50, countAll: true });
    const page2 = await readFeatures(env, layer, { offset: 50, limit: 50 });
    expect(page1.matched).toBe(120);
    expect(page1.features[0]!.id).toBe(0);
    expect(page2.features[0]!.id).toBe(50);
    expect(page2.features).toHaveLength(50);
  });

  it.each([
    ['bad-huge-header-shp.zip', 'SHP', 'L’en-tête du fichier .shp annonce 1 073 740 000 octets'],
    ['bad-no-shp.zip', 'SHP', 'ne contient aucun fichier .shp'],
    ['bad-unknown-crs-shp.zip', 'SHP', 'système de coordonnées du fichier .prj n’est pas reconnu'],
    ['bad-truncated.zip', 'SHP', 'L’archive ZIP est illisible'],
    ['bad-mixed.geojson', 'GeoJSON', 'mélange des points et des polygones'],
    ['bad-entities.kml', 'KML', 'déclaration DOCTYPE ou ENTITY, refusée par sécurité'],
  ])('refuses %s with a French error', async (file, format, message) => {
    const id = geoId(50);
    await publishGeo([{ id, title: `Erreur ${file}`, format, file }]);
    await runVectorIngest(id);
    const layer = (await findLayer(env.DB, id))!;
    expect(layer.status).toBe('failed');
    expect(layer.error!.replace(/\u202f/g, ' ')).toContain(message);
    expect(layer.versionId).toBeNull();
  });

  it('keeps the previous layer served when a new file fails, and replaces it when the next one works', async () => {
    const id = geoId(60);
    await publishGeo([{ id, title: 'Couche remplacée', format: 'GeoJSON', file: 'points-4326.geojson' }]);
    await runVectorIngest(id);
    const first = (await findLayer(env.DB, id))!;
    expect(first.status).toBe('ready');
    await publishGeo([{ id, title: 'Couche remplacée', format: 'GeoJSON', file: 'bad-mixed.geojson' }]);
    await runVectorIngest(id);
    const failed = (await findLayer(env.DB, id))!;
    expect(failed).toMatchObject({ status: 'failed', versionId: first.versionId, featureCount: 120, name: first.name });
    expect(await env.FILES.head(first.fgbKey!)).not.toBeNull();
    await publishGeo([{ id, title: 'Couche remplacée', format: 'GeoJSON', file: 'polygons-2154.geojson' }]);
    await runVectorIngest(id);
    const replaced = (await findLayer(env.DB, id))!;
    expect(replaced).toMatchObject({ status: 'ready', featureCount: 30, geometryType: 'Polygon', name: first.name });
    expect(await env.FILES.head(first.fgbKey!)).toBeNull();
  });
});
