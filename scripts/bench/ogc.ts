// `npm run bench:ogc`: the portal's WMS and WFS on local workerd (wrangler dev) against MapServer (`mapserv`, the
// engine OPenIG uses), side by side in one run, on the same generated 10 k-polygon layer (docs/benchmarks.md):
// 1. GetMap of 256 px PNG tiles in EPSG:3857 over the layer (the same tiles for both), median latency;
// 2. GetFeature of all 10 k features as GeoJSON, median latency.
// mapserv runs as a CGI (one process per request, QUERY_STRING in the environment), as Debian's package installs it,
// on a Shapefile copy with its quadtree index.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { boxFromWgs84 } from '../../worker/src/domain/map-projection';
import { importCatalogueFile } from '../lib/import-client';
import { ensureLocalSecrets, ROOT } from '../lib/local-config';
import { mulberry32 } from '../lib/prng';

const PORT = Number(process.env.BENCH_PORT ?? 8864);
const HOOK_PORT = Number(process.env.REBUILD_HOOK_PORT ?? 8865);
const FEATURES = Number(process.env.BENCH_FEATURES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const URL_BASE = `http://127.0.0.1:${PORT}`;
const WRANGLER = resolve(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const ORG = 'bench-ogc';
const LAYER = 'communes_bench';
const secrets = ensureLocalSecrets();
const work = mkdtempSync(join(tmpdir(), 'bench-ogc-'));
const state = join(work, 'state');
const log = (message: string) => console.log(`[bench:ogc] ${message}`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** 10 k irregular pentagons on a 100 × 100 grid over the Hérault and the Gard, with a few attributes. */
function makeLayer(path: string): [number, number, number, number] {
  const random = mulberry32(20261128);
  const side = Math.ceil(Math.sqrt(FEATURES));
  const [west, south, east, north] = [3.0, 43.3, 4.6, 44.3];
  const dx = (east - west) / side;
  const dy = (north - south) / side;
  const features = [];
  for (let i = 0; i < FEATURES; i++) {
    const cx = west + (i % side + 0.5) * dx;
    const cy = south + (Math.floor(i / side) + 0.5) * dy;
    const ring = Array.from({ length: 5 }, (_, k) => {
      const angle = (k / 5) * 2 * Math.PI + random() * 0.4;
      const r = 0.35 + random() * 0.1;
      return [Number((cx + Math.cos(angle) * dx * r).toFixed(6)), Number((cy + Math.sin(angle) * dy * r).toFixed(6))];
    });
    ring.push(ring[0]!);
    features.push({ type: 'Feature', properties: { id: i, code: `34${String(i).padStart(3, '0')}`, pop: Math.floor(random() * 20000) }, geometry: { type: 'Polygon', coordinates: [ring] } });
  }
  writeFileSync(path, JSON.stringify({ type: 'FeatureCollection', features }));
  return [west, south, east, north];
}

/** MapServer 8 reads its map file from a configuration file (MAPSERVER_CONFIG_FILE), not from the request. */
function mapserverConfig(path: string, map: string): void {
  writeFileSync(path, `CONFIG\n  ENV\n    MS_MAPFILE "${map}"\n  END\nEND\n`);
}

function mapfile(path: string, data: string): void {
  writeFileSync(path, `MAP
  NAME "bench"
  EXTENT 3.0 43.3 4.6 44.3
  SIZE 256 256
  PROJECTION "init=epsg:4326" END
  OUTPUTFORMAT NAME "png" DRIVER "AGG/PNG" MIMETYPE "image/png" IMAGEMODE RGBA TRANSPARENT ON EXTENSION "png" END
  OUTPUTFORMAT NAME "geojson" DRIVER "OGR/GEOJSON" MIMETYPE "application/json" FORMATOPTION "STORAGE=stream" FORMATOPTION "FORM=SIMPLE" END
  WEB
    METADATA
      "ows_title" "bench" "ows_enable_request" "*" "ows_srs" "EPSG:4326 EPSG:3857 EPSG:2154"
      "ows_onlineresource" "http://localhost/cgi-bin/mapserv?" "wfs_getfeature_formatlist" "geojson"
    END
  END
  LAYER
    NAME "${LAYER}"
    TYPE POLYGON
    STATUS ON
    DATA "${data}"
    PROJECTION "init=epsg:4326" END
    METADATA "ows_title" "${LAYER}" "gml_include_items" "all" "gml_featureid" "id" "wfs_getfeature_formatlist" "geojson" END
    CLASS
      STYLE COLOR 158 202 225 OPACITY 60 END
      STYLE OUTLINECOLOR 8 81 156 WIDTH 1 END
    END
  END
END
`);
}

/** One mapserv CGI call; returns the elapsed milliseconds and the body size. */
function mapserv(config: string, query: string): { ms: number; bytes: number } {
  const started = performance.now();
  const result = spawnSync('mapserv', [], { env: { ...process.env, MAPSERVER_CONFIG_FILE: config, QUERY_STRING: query, REQUEST_METHOD: 'GET' }, maxBuffer: 1 << 30 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`mapserv: ${result.stderr.toString()}`);
  const body = result.stdout;
  const headerEnd = body.indexOf('\r\n\r\n');
  const head = body.subarray(0, headerEnd).toString();
  if (!/Content-Type: (image\/png|application\/json)/i.test(head)) throw new Error(`mapserv answered ${head}\n${body.subarray(headerEnd, headerEnd + 400).toString()}`);
  return { ms, bytes: body.length - headerEnd - 4 };
}

async function portal(path: string, expected: string, retry = true): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(`${URL_BASE}${path}`);
  } catch (error) {
    // wrangler dev drops idle kept-alive connections: a request on such a socket fails at once; ask again.
    if (!retry) throw error;
    return portal(path, expected, false);
  }
  const body = new Uint8Array(await response.arrayBuffer());
  const ms = performance.now() - started;
  if (!response.headers.get('content-type')?.startsWith(expected)) throw new Error(`portal answered ${response.headers.get('content-type')}: ${new TextDecoder().decode(body.subarray(0, 400))}`);
  return { ms, bytes: body.length };
}

async function waitFor<T>(probe: () => Promise<T | null>, what: string, timeoutMs = 20 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Web Mercator tiles (z/x/y) covering the middle of the layer at zoom 11: each holds ~100 polygons. */
function tiles(bbox: [number, number, number, number]): Array<[number, number, number, number]> {
  const z = 11;
  const n = 2 ** z;
  const tileX = (lon: number) => Math.floor(((lon + 180) / 360) * n);
  const tileY = (lat: number) => Math.floor(((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * n);
  const cx = tileX((bbox[0] + bbox[2]) / 2);
  const cy = tileY((bbox[1] + bbox[3]) / 2);
  const size = (2 * Math.PI * 6378137) / n;
  const out: Array<[number, number, number, number]> = [];
  for (let x = cx - 2; x <= cx + 1; x++) {
    for (let y = cy - 2; y <= cy + 1; y++) {
      const minx = -Math.PI * 6378137 + x * size;
      const maxy = Math.PI * 6378137 - y * size;
      out.push([minx, maxy - size, minx + size, maxy]);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const data = join(work, `${LAYER}.geojson`);
  const bbox = makeLayer(data);
  // MapServer's fastest path for a file: a Shapefile with its quadtree index (shptree), as a MapServer admin would
  // serve it; reading the GeoJSON through OGR re-parses the whole file at each request (~1.7 s a tile).
  const shapefile = join(work, `${LAYER}.shp`);
  for (const [command, args] of [['ogr2ogr', ['-f', 'ESRI Shapefile', shapefile, data]], ['shptree', [shapefile]]] as const) {
    const done = spawnSync(command, args, { encoding: 'utf8' });
    if (done.status !== 0) throw new Error(`${command}: ${done.stderr}`);
  }
  const mapFile = join(work, 'bench.map');
  mapfile(mapFile, shapefile);
  const map = join(work, 'mapserver.conf');
  mapserverConfig(map, mapFile);
  log(`${FEATURES} polygons in ${data}`);

  const hook = createServer((req, res) => {
    req.resume();
    res.statusCode = 202;
    res.end();
  });
  await new Promise<void>((r) => hook.listen(HOOK_PORT, '127.0.0.1', r));
  for (const database of ['DB', 'DATASTORE']) {
    const applied = spawnSync(process.execPath, [WRANGLER, 'd1', 'migrations', 'apply', database, '--local', '--persist-to', state], { cwd: ROOT, encoding: 'utf8' });
    if (applied.status !== 0) throw new Error(applied.stderr);
  }
  const dev: ChildProcess = spawn(process.execPath, [WRANGLER, 'dev', '--port', String(PORT), '--ip', '127.0.0.1', '--persist-to', state,
    '--var', `REBUILD_HOOK_URL:http://127.0.0.1:${HOOK_PORT}/rebuild`],
  { cwd: ROOT, stdio: ['ignore', openSync(join(work, 'wrangler.log'), 'w'), 'inherit'], detached: true });
  try {
    await waitFor(async () => ((await fetch(`${URL_BASE}/api/health`)).ok ? true : null), 'wrangler dev', 120_000);
    writeFileSync(join(work, 'catalogue.json'), JSON.stringify({
      organizations: [{ id: 'a0000000-0000-4000-8000-0000000000f1', slug: ORG, legalName: 'Banc d’essai OGC', orgType: 'region' }],
      datasets: [{
        id: 'c0000000-0000-4000-8000-0000000000f1', slug: 'bench-ogc', title: 'Banc d’essai OGC', description: 'Polygones générés.', organization: ORG,
        licence: 'lov2', dateCreated: '2026-01-01', dateModified: '2026-01-01', datePublished: '2026-01-01',
        resources: [{ id: 'd0000000-0000-4000-8000-0000000000f1', title: 'Communes bench', format: 'GeoJSON', sourceMode: 'upload', file: `${LAYER}.geojson`, accessLevel: 'public' }],
      }],
      showcases: [],
    }));
    const ingestStarted = performance.now();
    await importCatalogueFile(join(work, 'catalogue.json'), URL_BASE, secrets.OPERATOR_TOKEN, 'bench');
    await waitFor(async () => ((await (await fetch(`${URL_BASE}/maps/${ORG}?SERVICE=WMS&REQUEST=GetCapabilities`)).text()).includes(`<Name>${LAYER}</Name>`) ? true : null), 'the layer');
    log(`layer ingested and served in ${((performance.now() - ingestStarted) / 1000).toFixed(1)} s`);

    const tileBoxes = tiles(bbox);
    const getMap = (b: number[]) => `SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${LAYER}&STYLES=&CRS=EPSG:3857&BBOX=${b.join(',')}&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE`;
    const getFeature = `SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=${ORG}:${LAYER}&OUTPUTFORMAT=application/json`;
    const msGetFeature = `SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=${LAYER}&OUTPUTFORMAT=geojson`;
    // Warm both sides once (isolate start, file cache; mapserv has nothing to warm but the OS cache).
    await portal(`/maps/${ORG}?${getMap(tileBoxes[0]!)}`, 'image/png');
    await portal(`/maps/${ORG}?${getFeature}`, 'application/json');
    mapserv(map, getMap(tileBoxes[0]!));

    const ours = { tiles: [] as number[], feature: [] as number[], tileBytes: 0, featureBytes: 0 };
    const theirs = { tiles: [] as number[], feature: [] as number[], tileBytes: 0, featureBytes: 0 };
    for (let r = 0; r < RUNS; r++) {
      for (const b of tileBoxes) {
        const mine = await portal(`/maps/${ORG}?${getMap(b)}`, 'image/png');
        const reference = mapserv(map, getMap(b));
        ours.tiles.push(mine.ms);
        theirs.tiles.push(reference.ms);
        ours.tileBytes = mine.bytes;
        theirs.tileBytes = reference.bytes;
      }
      const mine = await portal(`/maps/${ORG}?${getFeature}`, 'application/json');
      const reference = mapserv(map, msGetFeature);
      ours.feature.push(mine.ms);
      theirs.feature.push(reference.ms);
      ours.featureBytes = mine.bytes;
      theirs.featureBytes = reference.bytes;
    }
    const tileBox = boxFromWgs84(bbox, 'EPSG:3857');
    log(`layer extent in EPSG:3857: ${tileBox.map((v) => v.toFixed(0)).join(', ')}`);
    console.log(`\n| request | portal (workerd) median | mapserv (CGI) median | ratio portal/mapserv |`);
    console.log('|---|---|---|---|');
    const row = (what: string, a: number[], b: number[]) => console.log(`| ${what} | ${median(a).toFixed(1)} ms | ${median(b).toFixed(1)} ms | ${(median(a) / median(b)).toFixed(2)} |`);
    row(`GetMap 256 px EPSG:3857 (${tileBoxes.length} tiles × ${RUNS})`, ours.tiles, theirs.tiles);
    row(`GetFeature ${FEATURES} features GeoJSON (× ${RUNS})`, ours.feature, theirs.feature);
    console.log(`\nlast tile: portal ${ours.tileBytes} B, mapserv ${theirs.tileBytes} B; GeoJSON: portal ${ours.featureBytes} B, mapserv ${theirs.featureBytes} B`);
  } finally {
    if (dev.pid && dev.exitCode === null) process.kill(-dev.pid, 'SIGTERM');
    hook.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
