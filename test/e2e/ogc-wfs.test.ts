// Real OGC clients against the portal's WFS (npm start): GDAL's ogrinfo/ogr2ogr and OWSLib (GET and POST), on WFS
// 1.1.0 and 2.0.0, for Shapefile and GeoJSON layers in Lambert 93 and WGS 84 (test/fixtures/geo/) published in a test
// organisation, plus a restricted layer refused anonymously and served with HTTP Basic; and the demo layers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../worker/src/domain/password-hash';
import { executeLocalSql } from './local-d1';

const ROOT = resolve(import.meta.dirname, '../..');
const portal = inject('portalUrl');
const ORG = 'e2e-geo';
const ORG_ID = '9a9f5a7e-5d0c-4b8e-9c55-0a6f0d7c1a09';
const WFS = `${portal}/maps/${ORG}`;
const USERNAME = 'cartographe-e2e';
const PASSWORD = 'une phrase de passe pour les tests';
const FIXTURES = resolve(ROOT, 'test/fixtures/geo');
// GDAL's GeoJSON driver cannot overwrite a file: every run writes into a fresh folder.
const OUT = mkdtempSync(join(tmpdir(), 'ogc-e2e-'));

const layers = [
  { id: '8e8f5a7e-5d0c-4b8e-9c55-000000000001', title: 'Aires de covoiturage', format: 'SHP', file: 'points-2154-shp.zip', name: 'aires_de_covoiturage', count: 120 },
  { id: '8e8f5a7e-5d0c-4b8e-9c55-000000000002', title: 'Zones du Gard', format: 'SHP', file: 'polygons-4326-shp.zip', name: 'zones_du_gard', count: 30 },
  { id: '8e8f5a7e-5d0c-4b8e-9c55-000000000003', title: 'Points GeoJSON', format: 'GeoJSON', file: 'points-4326.geojson', name: 'points_geojson', count: 120 },
  { id: '8e8f5a7e-5d0c-4b8e-9c55-000000000004', title: 'Zones Lambert 93', format: 'GeoJSON', file: 'polygons-2154.geojson', name: 'zones_lambert_93', count: 30, restricted: true },
];

const run = (command: string, args: string[], env: Record<string, string> = {}) => {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
};

async function publishLayers(): Promise<void> {
  const dataset = (id: string, slug: string, resources: unknown[]) => ({
    id, slug, title: slug, description: 'Couches de test des clients OGC.', organization: ORG, licence: 'lov2', dateCreated: '2025-01-01',
    dateModified: '2025-01-01', datePublished: '2025-01-01', resources,
  });
  const entry = (l: (typeof layers)[number]) => ({ id: l.id, title: l.title, format: l.format, sourceMode: 'upload', file: `files/${l.file}`, accessLevel: l.restricted ? 'same_organization' : 'public' });
  const catalogue = {
    organizations: [{ id: ORG_ID, slug: ORG, legalName: 'Organisation de test OGC', orgType: 'autre' }],
    datasets: [dataset('9b9f5a7e-5d0c-4b8e-9c55-0a6f0d7c1b01', 'couches-ogc-e2e', layers.map(entry))],
    showcases: [],
  };
  const form = new FormData();
  form.set('catalogue', JSON.stringify(catalogue));
  for (const l of layers) form.set(`file:files/${l.file}`, new File([readFileSync(resolve(FIXTURES, l.file))], l.file));
  const response = await fetch(`${portal}/api/internal/catalogue/import`, { method: 'POST', body: form, headers: { authorization: `Bearer ${inject('operatorToken')}` } });
  if (response.status !== 201) throw new Error(`import: ${response.status} ${await response.text()}`);
}

async function seedMember(): Promise<void> {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  const sql = [
    `INSERT INTO users (id, username, email, first_name, last_name, password_hash, email_confirmed_at, terms_version, terms_accepted_at, created_at, updated_at)
     VALUES ('${id}', '${USERNAME}', 'cartographe-e2e@occitanie.example', 'Carto', 'Graphe', '${await hashPassword(PASSWORD)}', '${now}', '2026-01', '${now}', '${now}', '${now}')`,
    `INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES ('${id}', '${ORG_ID}', 'member', '${now}')`,
  ].join(';\n');
  await executeLocalSql(sql);
}

/** GET as text; one retry when wrangler dev closed the kept-alive socket under the request ("other side closed"). */
async function getText(url: string, headers: Record<string, string> = {}): Promise<string> {
  try {
    return await (await fetch(url, { headers })).text();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return (await fetch(url, { headers })).text();
  }
}

const basicHeader = { authorization: `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}` };

beforeAll(async () => {
  await publishLayers();
  await seedMember();
  // The queue turns the files into layers: wait until every one (the restricted one included) is listed.
  const deadline = Date.now() + 180_000;
  for (;;) {
    const caps = await getText(`${WFS}?service=WFS&request=GetCapabilities`, basicHeader);
    if (layers.every((l) => caps.includes(`<wfs:Name>${ORG}:${l.name}</wfs:Name>`))) break;
    if (Date.now() > deadline) throw new Error(`layers not ready after 3 minutes:\n${caps.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}, 240_000);

const featureCount = (stdout: string) => Number(/Feature Count: (\d+)/.exec(stdout)?.[1] ?? NaN);
const geojsonCount = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { features: unknown[] }).features.length;
const expectedWhereCount = (JSON.parse(readFileSync(resolve(FIXTURES, 'points-4326.geojson'), 'utf8')) as { features: Array<{ properties: { categorie: string; places: number } }> })
  .features.filter((f) => f.properties.categorie === 'covoiturage' && f.properties.places <= 10).length;

describe('GDAL (ogrinfo, ogr2ogr) on the WFS', () => {
  for (const version of ['1.1.0', '2.0.0']) {
    it(`WFS ${version}: lists the layers, counts with hits, reads everything, pages and filters by extent`, () => {
      const source = `WFS:${WFS}?VERSION=${version}`;
      const list = run('ogrinfo', ['-ro', '-q', source]);
      expect(list.stderr).not.toMatch(/^ERROR/m);
      for (const l of layers.filter((x) => !x.restricted)) expect(list.stdout).toContain(`${ORG}:${l.name}`);
      expect(list.stdout).not.toContain('zones_lambert_93');
      for (const l of layers.filter((x) => !x.restricted)) {
        const summary = run('ogrinfo', ['-ro', '-so', source, `${ORG}:${l.name}`]);
        expect(summary.stderr, summary.stderr).not.toMatch(/^ERROR/m);
        expect(featureCount(summary.stdout)).toBe(l.count);
        const out = join(OUT, `${l.name}-${version}.geojson`);
        const full = run('ogr2ogr', ['-f', 'GeoJSON', out, source, `${ORG}:${l.name}`]);
        expect(full.stderr).not.toMatch(/^ERROR/m);
        expect(geojsonCount(out)).toBe(l.count);
        // Forced small pages: GDAL stops only on a short page, so the total proves STARTINDEX really pages.
        const paged = run('ogr2ogr', ['--config', 'OGR_WFS_PAGING_ALLOWED', 'ON', '--config', 'OGR_WFS_PAGE_SIZE', '7', '-f', 'GeoJSON', `${out}.paged.geojson`, source, `${ORG}:${l.name}`]);
        expect(paged.stderr).not.toMatch(/^ERROR/m);
        expect(geojsonCount(`${out}.paged.geojson`)).toBe(l.count);
      }
      // -spat sends a FILTER with gml:Envelope (2.0) or gml:Box (1.1) in lat/lon.
      const spat = run('ogr2ogr', ['-f', 'GeoJSON', join(OUT, `spat-${version}.geojson`), source, `${ORG}:points_geojson`, '-spat', '3.59', '43.49', '3.8', '43.61']);
      expect(spat.stderr).not.toMatch(/^ERROR/m);
      expect(geojsonCount(join(OUT, `spat-${version}.geojson`))).toBe(9);
      // -where is turned by GDAL into a FILTER sent to the server (its debug output shows the request).
      const where = run('ogr2ogr', ['--debug', 'on', '-f', 'GeoJSON', join(OUT, `where-${version}.geojson`), source, `${ORG}:points_geojson`,
        '-where', "categorie = 'covoiturage' AND places <= 10"]);
      expect(where.stderr).not.toMatch(/^ERROR/m);
      expect(where.stderr).toMatch(/FILTER=[^&\s]*PropertyIsLessThanOrEqualTo/);
      expect(geojsonCount(join(OUT, `where-${version}.geojson`))).toBe(expectedWhereCount);
      const json = run('ogr2ogr', ['-f', 'GeoJSON', join(OUT, `json-${version}.geojson`), `${source}&OUTPUTFORMAT=application/json`, `${ORG}:aires_de_covoiturage`]);
      expect(json.stderr).not.toMatch(/^ERROR/m);
      expect(geojsonCount(join(OUT, `json-${version}.geojson`))).toBe(120);
    });
  }

  it('reads the restricted layer only with HTTP Basic credentials', () => {
    const source = `WFS:${WFS}?VERSION=2.0.0`;
    const anonymous = run('ogrinfo', ['-ro', '-so', source, `${ORG}:zones_lambert_93`]);
    expect(featureCount(anonymous.stdout)).toBeNaN();
    const signedIn = run('ogrinfo', ['-ro', '-so', '--config', 'GDAL_HTTP_AUTH', 'BASIC', '--config', 'GDAL_HTTP_USERPWD', `${USERNAME}:${PASSWORD}`, source, `${ORG}:zones_lambert_93`]);
    expect(signedIn.stderr).not.toMatch(/^ERROR/m);
    expect(featureCount(signedIn.stdout)).toBe(30);
  });
});

describe('OWSLib on the WFS', () => {
  const owslib = (typename: string, ...auth: string[]) => {
    const result = run('/usr/bin/python3', [resolve(ROOT, 'test/e2e/ogc_owslib.py'), WFS, typename, ...auth]);
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout) as Record<string, {
      version: string; types: string[]; wgs84: number[]; crs: string[]; operations: string[]; schema: { geometry: string; properties: Record<string, string> };
      bbox_count: number; all_count: number; gml_members: number; pages?: string[][];
      post_bbox_count: number; post_gml_members: number; post_featureid: boolean; post_filter?: { count: number; expected: number }; post_pages?: string[][];
    }>;
  };

  for (const layer of layers) {
    it(`reads ${layer.name} (${layer.format}) in WFS 1.1.0 and 2.0.0: capabilities, schema, bbox, paging`, async () => {
      const report = layer.restricted ? owslib(`${ORG}:${layer.name}`, USERNAME, PASSWORD) : owslib(`${ORG}:${layer.name}`);
      for (const version of ['1.1.0', '2.0.0']) {
        const entry = report[version]!;
        expect(entry.version).toBe(version);
        expect(entry.operations).toEqual(expect.arrayContaining(['GetCapabilities', 'DescribeFeatureType', 'GetFeature']));
        expect(entry.schema.geometry).toMatch(/Point|Polygon/);
        expect(entry.all_count).toBe(layer.count);
        expect(entry.bbox_count).toBeGreaterThan(0);
        expect(entry.bbox_count).toBeLessThan(layer.count);
        expect(entry.gml_members).toBeGreaterThanOrEqual(3);
        // The same reads posted as XML (wfs:Query with a Filter BBOX, maxFeatures/count, ResourceId/GmlObjectId).
        expect(entry.post_bbox_count).toBe(entry.bbox_count);
        expect(entry.post_gml_members).toBe(entry.gml_members);
        expect(entry.post_featureid).toBe(true);
      }
      const [page1, page2] = report['2.0.0']!.pages!;
      expect(page1).toHaveLength(10);
      expect(page2).toHaveLength(10);
      expect(page2!.some((id) => page1!.includes(id))).toBe(false);
      expect(report['2.0.0']!.post_pages).toEqual([page1, page2]);
      const { count, expected } = report['2.0.0']!.post_filter!;
      expect(count).toBe(expected);
      expect(count).toBeGreaterThan(0);
      const hits = await getText(`${WFS}?service=WFS&version=2.0.0&request=GetFeature&typeNames=${ORG}:${layer.name}&resultType=hits`, layer.restricted ? basicHeader : {});
      expect(hits).toContain(`numberMatched="${layer.count}"`);
    });
  }

  it('is refused the restricted layer without credentials', () => {
    const result = run('/usr/bin/python3', [resolve(ROOT, 'test/e2e/ogc_owslib.py'), WFS, `${ORG}:zones_lambert_93`]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('KeyError');
  });
});

describe('demo catalogue layers', () => {
  it('npm start turns the demo GeoJSON and zipped Shapefile resources into WFS layers', async () => {
    await expect.poll(async () => {
      const caps = await getText(`${portal}/maps/departement-du-gard?service=WFS&request=GetCapabilities`);
      return ['aires_de_covoiturage_shapefile_zippe', 'etablissements_geojson'].filter((n) => caps.includes(`departement-du-gard:${n}`)).length;
    }, { timeout: 120_000, interval: 1000 }).toBe(2);
  });
});
