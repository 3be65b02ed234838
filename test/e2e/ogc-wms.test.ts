// Real clients against the portal's WMS (npm start): GDAL (gdalinfo, gdal_translate, gdallocationinfo) and OWSLib on
// WMS 1.1.1 and 1.3.0 for Shapefile and GeoJSON layers in Lambert 93 and WGS 84, and OWSLib's GetMap with SLD_BODY;
// then Chromium: a référente saves a style whose preview changed, GetMap draws with it, and the dataset page shows
// the layer's map.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decode } from 'fast-png';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { transformsFor } from '../../worker/src/domain/map-projection';
import { hashPassword } from '../../worker/src/domain/password-hash';
import { executeLocalSql } from './local-d1';
import { launchBrowser, screenshot, seriousViolations } from './browser';

const ROOT = resolve(import.meta.dirname, '../..');
const portal = inject('portalUrl');
const ORG = 'e2e-wms';
const ORG_ID = '7c1f5a7e-5d0c-4b8e-9c55-0a6f0d7c1a10';
const DATASET_ID = '7d1f5a7e-5d0c-4b8e-9c55-0a6f0d7c1b10';
const DATASET_SLUG = 'couches-wms-e2e';
const WMS = `${portal}/maps/${ORG}`;
const USERNAME = 'referente-wms-e2e';
const PASSWORD = 'une phrase de passe pour les cartes';
const FIXTURES = resolve(ROOT, 'test/fixtures/geo');

const layers = [
  { id: '7e1f5a7e-5d0c-4b8e-9c55-000000000011', title: 'Points Lambert SHP', format: 'SHP', file: 'points-2154-shp.zip', name: 'points_lambert_shp' },
  { id: '7e1f5a7e-5d0c-4b8e-9c55-000000000012', title: 'Zones Lambert GeoJSON', format: 'GeoJSON', file: 'polygons-2154.geojson', name: 'zones_lambert_geojson' },
  { id: '7e1f5a7e-5d0c-4b8e-9c55-000000000013', title: 'Zones WGS SHP', format: 'SHP', file: 'polygons-4326-shp.zip', name: 'zones_wgs_shp' },
  { id: '7e1f5a7e-5d0c-4b8e-9c55-000000000014', title: 'Points WGS GeoJSON', format: 'GeoJSON', file: 'points-4326.geojson', name: 'points_wgs_geojson' },
];
const polygons = layers[1]!;

const run = (command: string, args: string[], env: Record<string, string> = {}) => {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 90_000, env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
};

async function publishLayers(): Promise<void> {
  const catalogue = {
    organizations: [{ id: ORG_ID, slug: ORG, legalName: 'Organisation de test WMS', orgType: 'autre' }],
    datasets: [{
      id: DATASET_ID, slug: DATASET_SLUG, title: 'Couches WMS de test', description: 'Couches de test des clients WMS.', organization: ORG, licence: 'lov2',
      dateCreated: '2025-01-01', dateModified: '2025-01-01', datePublished: '2025-01-01',
      resources: layers.map((l) => ({ id: l.id, title: l.title, format: l.format, sourceMode: 'upload', file: `files/${l.file}`, accessLevel: 'public' })),
    }],
    showcases: [],
  };
  const form = new FormData();
  form.set('catalogue', JSON.stringify(catalogue));
  for (const l of layers) form.set(`file:files/${l.file}`, new File([readFileSync(resolve(FIXTURES, l.file))], l.file));
  const response = await fetch(`${portal}/api/internal/catalogue/import`, { method: 'POST', body: form, headers: { authorization: `Bearer ${inject('operatorToken')}` } });
  if (response.status !== 201) throw new Error(`import: ${response.status} ${await response.text()}`);
}

const sql = (value: string) => `'${value.replace(/'/g, "''")}'`;

async function seedReferent(): Promise<void> {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  const statements = [
    `INSERT INTO users (id, username, email, first_name, last_name, password_hash, email_confirmed_at, terms_version, terms_accepted_at, created_at, updated_at)
     VALUES (${sql(id)}, ${sql(USERNAME)}, 'referente-wms-e2e@occitanie.example', 'Léa', 'Carto', ${sql(await hashPassword(PASSWORD))}, ${sql(now)},
       (SELECT version FROM terms_versions ORDER BY published_at DESC LIMIT 1), ${sql(now)}, ${sql(now)}, ${sql(now)})`,
    `INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES (${sql(id)}, ${sql(ORG_ID)}, 'member', ${sql(now)}), (${sql(id)}, ${sql(ORG_ID)}, 'referent', ${sql(now)})`,
  ];
  await executeLocalSql(statements.join(';\n'));
}

/** Pixels that are neither transparent nor the white background. */
function drawnPixels(png: Uint8Array): number {
  const image = decode(png);
  let drawn = 0;
  for (let i = 0; i < image.data.length; i += image.channels) {
    const alpha = image.channels === 4 ? image.data[i + 3]! : 255;
    if (alpha > 0 && !(image.data[i] === 255 && image.data[i + 1] === 255 && image.data[i + 2] === 255)) drawn++;
  }
  return drawn;
}

let capabilities130 = '';
let browser: Browser;

beforeAll(async () => {
  await publishLayers();
  await seedReferent();
  // The queue turns the files into layers: wait until every one is listed (expect.poll is for tests only).
  const deadline = Date.now() + 180_000;
  for (;;) {
    // A wrangler dev reload (new site files) may close the connection: the next turn asks again.
    capabilities130 = await fetch(`${WMS}?SERVICE=WMS&REQUEST=GetCapabilities`).then((r) => r.text()).catch(() => '');
    if (layers.every((l) => capabilities130.includes(`<Name>${l.name}</Name>`))) break;
    if (Date.now() > deadline) throw new Error(`layers not served in time:\n${capabilities130}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** The layer's box in a CRS as advertised in the 1.3.0 capabilities (EPSG:4326 in lat/lon order). */
function advertisedBox(name: string, crs: string): string {
  const layer = capabilities130.slice(capabilities130.indexOf(`<Name>${name}</Name>`));
  const match = new RegExp(`<BoundingBox CRS="${crs}" minx="([^"]+)" miny="([^"]+)" maxx="([^"]+)" maxy="([^"]+)"/>`).exec(layer);
  if (!match) throw new Error(`no ${crs} box for ${name}`);
  return match.slice(1, 5).join(',');
}

describe('GDAL on the WMS', () => {
  for (const version of ['1.1.1', '1.3.0']) {
    it(`WMS ${version}: gdalinfo lists every layer as a subdataset, gdal_translate reads GetMap in EPSG:4326 and EPSG:2154`, () => {
      const info = run('gdalinfo', [`WMS:${WMS}?SERVICE=WMS&VERSION=${version}&REQUEST=GetCapabilities`]);
      expect(info.stderr).not.toMatch(/^ERROR/m);
      for (const l of layers) expect(info.stdout).toContain(`LAYERS=${l.name}`);
      for (const l of layers) {
        const crsKey = version === '1.3.0' ? 'CRS' : 'SRS';
        const bbox4326 = version === '1.3.0' ? advertisedBox(l.name, 'EPSG:4326') : advertisedBox(l.name, 'CRS:84');
        for (const [crs, bbox] of [['EPSG:4326', bbox4326], ['EPSG:2154', advertisedBox(l.name, 'EPSG:2154')]] as const) {
          const out = `/tmp/wms-e2e-${l.name}-${version}-${crs.replace(':', '')}.png`;
          const url = `WMS:${WMS}?SERVICE=WMS&VERSION=${version}&REQUEST=GetMap&LAYERS=${l.name}&STYLES=&${crsKey}=${crs}&BBOX=${bbox}&FORMAT=image/png&TRANSPARENT=TRUE`;
          const translated = run('gdal_translate', ['-q', '-of', 'PNG', '-outsize', '256', '0', url, out]);
          expect(translated.stderr, `${l.name} ${crs}`).not.toMatch(/^ERROR/m);
          expect(drawnPixels(new Uint8Array(readFileSync(out))), `${l.name} ${crs}`).toBeGreaterThan(20);
        }
      }
    });
  }

  it('gdallocationinfo gets the feature under a point through GetFeatureInfo (X/Y, GML)', () => {
    const [minLat, minLon, maxLat, maxLon] = advertisedBox(polygons.name, 'EPSG:4326').split(',');
    const url = `WMS:${WMS}?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${polygons.name}&STYLES=&CRS=EPSG:4326&BBOX=${minLat},${minLon},${maxLat},${maxLon}&FORMAT=image/png`;
    // The centre of the fixture's first zone (Lambert 93), in lon/lat.
    const zone = JSON.parse(readFileSync(resolve(FIXTURES, polygons.file), 'utf8')) as { features: Array<{ geometry: { coordinates: number[][][] } }> };
    const ring = zone.features[0]!.geometry.coordinates[0]!;
    const [x, y] = [0, 1].map((k) => ring.slice(0, -1).reduce((sum, p) => sum + p[k]!, 0) / (ring.length - 1)) as [number, number];
    const [lon, lat] = transformsFor('EPSG:2154').inverse(x, y);
    const located = run('gdallocationinfo', ['-wgs84', '-xml', url, String(lon), String(lat)]);
    expect(located.stdout).toContain('<LocationInfo>');
    // GDAL embeds the GML answer (escaped or not, depending on whether it parses it).
    expect(located.stdout).toMatch(/zones_lambert_geojson_feature/);
    expect(located.stdout).toContain('Zone 0');
  });
});

describe('OWSLib on the WMS', () => {
  it('reads the capabilities, GetMap in EPSG:4326 and EPSG:2154 and GetFeatureInfo in 1.1.1 and 1.3.0 through the DCP URLs', () => {
    const result = run('/usr/bin/python3', [resolve(ROOT, 'test/e2e/ogc_wms_owslib.py'), WMS, ...layers.map((l) => l.name)]);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, { version: string; dcp: string; getmap_formats: string[]; layers: Record<string, Record<string, unknown>> }>;
    for (const version of ['1.1.1', '1.3.0']) {
      const found = report[version]!;
      expect(found.version).toBe(version);
      expect(found.dcp).toBe(`${WMS}?`);
      expect(found.getmap_formats).toContain('image/png');
      for (const l of layers) {
        const facts = found.layers[l.name]!;
        expect(facts.crs).toEqual(expect.arrayContaining(['EPSG:4326', 'EPSG:2154', 'EPSG:3857']));
        expect(facts['getmap_EPSG:4326']).toMatchObject({ png: true });
        expect(facts['getmap_EPSG:2154']).toMatchObject({ png: true });
        expect(facts.featureinfo).toBe('FeatureCollection');
      }
    }
  });
});

describe('OWSLib GetMap with SLD_BODY', () => {
  it('draws the polygons in the SLD’s green instead of the default blue, by GET in 1.1.1 and 1.3.0 and by POST', () => {
    const out = mkdtempSync(join(tmpdir(), 'ogc-sld-'));
    const result = run('/usr/bin/python3', [resolve(ROOT, 'test/e2e/ogc_wms_sld_owslib.py'), WMS, polygons.name, out]);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['default-1.1.1.png', 'sld-1.1.1.png', 'default-1.3.0.png', 'sld-1.3.0.png', 'sld-post-1.3.0.png']);
    const colours = (file: string) => {
      const image = decode(new Uint8Array(readFileSync(join(out, file))));
      let green = 0;
      let blue = 0;
      for (let i = 0; i < image.data.length; i += image.channels) {
        const [r, g, b, a] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!, image.channels === 4 ? image.data[i + 3]! : 255];
        if (r === 0 && g === 255 && b === 0 && a === 255) green++;
        // The default fill #9ecae1 at opacity 0.6.
        if (r === 158 && g === 202 && b === 225) blue++;
      }
      return { green, blue };
    };
    for (const version of ['1.1.1', '1.3.0']) {
      const plain = colours(`default-${version}.png`);
      expect(plain.green).toBe(0);
      expect(plain.blue).toBeGreaterThan(5000);
      const styled = colours(`sld-${version}.png`);
      expect(styled.blue).toBe(0);
      expect(styled.green).toBeGreaterThan(5000);
    }
    expect(colours('sld-post-1.3.0.png')).toEqual(colours('sld-1.3.0.png'));
  });
});

describe('style editor and dataset page map (Chromium)', () => {
  it('a référente changes a class colour, sees the preview change, saves, and GetMap draws with the new style', async () => {
    const page = await browser.newPage();
    const stylePath = `/user/datasets/${DATASET_ID}/resources/${polygons.id}/style`;
    await page.goto(`${portal}/user/login?next=${encodeURIComponent(stylePath)}`);
    await page.getByLabel('Nom d\'utilisateur ou adresse e-mail').fill(USERNAME);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`**${stylePath}`);
    const preview = page.locator('#style-preview');
    const before = await preview.getAttribute('src');
    expect(await seriousViolations(page), 'style editor').toEqual([]);
    await page.locator('#c0-fill-color').fill('#ff0000');
    await page.locator('#c0-fill-opacity').fill('1');
    await expect.poll(() => preview.getAttribute('data-refreshed'), { timeout: 20_000 }).not.toBeNull();
    expect(await preview.getAttribute('src')).not.toBe(before);
    await screenshot(page, 'wms-style-editor');
    await page.getByRole('button', { name: 'Enregistrer le style' }).click();
    await page.waitForURL(`**${stylePath}?saved=1`);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Style enregistré');

    const bbox = advertisedBox(polygons.name, 'CRS:84');
    const map = await fetch(`${WMS}?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${polygons.name}&STYLES=&CRS=CRS:84&BBOX=${bbox}&WIDTH=200&HEIGHT=200&FORMAT=image/png&TRANSPARENT=TRUE`);
    const image = decode(new Uint8Array(await map.arrayBuffer()));
    let red = 0;
    for (let i = 0; i < image.data.length; i += 4) if (image.data[i] === 255 && image.data[i + 1] === 0 && image.data[i + 2] === 0) red++;
    expect(red).toBeGreaterThan(100);
    await page.close();
  });

  it('the dataset page shows each layer on a map drawn from its vector tiles, with the API Géo panel', async () => {
    await expect.poll(async () => {
      const response = await fetch(`${portal}/dataset/${DATASET_SLUG}`);
      return response.status === 200 && (await response.text()).includes('data-layer-map');
    }, { timeout: 120_000, interval: 500 }).toBe(true);
    const page = await browser.newPage();
    await page.goto(`${portal}/dataset/${DATASET_SLUG}`);
    const maps = page.locator('[data-layer-map]');
    await expect.poll(() => maps.count()).toBe(layers.length);
    await expect.poll(() => page.locator('[data-map-ready="true"]').count(), { timeout: 20_000 }).toBe(layers.length);
    await expect.poll(() => page.locator('[data-layer-map] canvas.leaflet-tile-loaded').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.getByText('API Géo : services WMS et WFS').first().click();
    // The static page names the portal's public URL (PORTAL_PUBLIC_URL), whatever host the test browses.
    expect(await page.locator('.api-geo code').first().textContent()).toMatch(new RegExp(`^https?://[^/]+/maps/${ORG}$`));
    expect(await seriousViolations(page), 'dataset page with maps').toEqual([]);
    await screenshot(page, 'wms-dataset-page-map');
    await page.close();
  });
});
