// The demo catalogue seeded on first run: valid against the import schema, covering every vocabulary the portal
// shows as a facet, and backed by real files that the generator reproduces byte for byte.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as XLSX from '@e965/xlsx';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { catalogueImport, referencedFiles } from '../../worker/src/domain/import-schema';
import { writeFiles } from '../../scripts/demo/make-files';

const demoDir = fileURLToPath(new URL('../../content/demo/', import.meta.url));
const pagesDir = fileURLToPath(new URL('../../content/pages/', import.meta.url));
const filesDir = join(demoDir, 'files');
const migration = readFileSync(fileURLToPath(new URL('../../worker/migrations/0001_catalogue.sql', import.meta.url)), 'utf8');
const catalogue = catalogueImport.parse(JSON.parse(readFileSync(join(demoDir, 'catalogue.json'), 'utf8')));
const published = catalogue.datasets.filter((d) => d.published);

/** The quoted values of each row of `INSERT INTO <table> ... VALUES`, read from the migration so the test can't drift. */
function seededRows(table: string): string[][] {
  const block = migration.match(new RegExp(`INSERT INTO ${table} \\([^)]*\\) VALUES([\\s\\S]*?);`))?.[1];
  if (!block) throw new Error(`pas d'INSERT INTO ${table} dans la migration`);
  return block.split('\n').filter((l) => l.trim().startsWith('(')).map((l) => [...l.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1] as string));
}
const themeSlugs = seededRows('themes').map((row) => row[1] as string);
const licenceIds = seededRows('licences').map((row) => row[0] as string);

describe('demo catalogue content', () => {
  it('reads the vocabularies from the migration', () => {
    expect(themeSlugs).toHaveLength(14);
    expect(licenceIds).toContain('lov2');
  });

  it('has a region, two départements, a commune and an association among at least five organisations', () => {
    const types = catalogue.organizations.map((o) => o.orgType);
    expect(catalogue.organizations.length).toBeGreaterThanOrEqual(5);
    expect(types.filter((t) => t === 'departement')).toHaveLength(2);
    for (const t of ['region', 'commune', 'association'] as const) expect(types).toContain(t);
  });

  it('publishes at least forty datasets and keeps a few drafts', () => {
    expect(published.length).toBeGreaterThanOrEqual(40);
    const drafts = catalogue.datasets.filter((d) => !d.published);
    expect(drafts.length).toBeGreaterThanOrEqual(1);
    for (const d of drafts) expect(d.title).toMatch(/^\[Brouillon\]/);
  });

  it('uses every thématique of the migration at least twice among published datasets', () => {
    for (const slug of themeSlugs) expect(published.filter((d) => d.themes.includes(slug)).length, slug).toBeGreaterThanOrEqual(2);
    for (const d of catalogue.datasets) for (const t of d.themes) expect(themeSlugs).toContain(t);
  });

  it('uses every licence of the migration, and only those', () => {
    const used = new Set(catalogue.datasets.map((d) => d.licence));
    expect([...used].sort()).toEqual([...licenceIds].sort());
  });

  it('spreads datasets over every update frequency and granularity', () => {
    expect(new Set(published.map((d) => d.updateFrequency)).size).toBe(13);
    expect(new Set(published.map((d) => d.granularity)).size).toBe(8);
  });

  it('reuses keywords across datasets so keyword facets group several datasets', () => {
    for (const d of catalogue.datasets) expect(d.tags.length, d.slug).toBeGreaterThanOrEqual(2);
    const counts = new Map<string, number>();
    for (const d of published) for (const t of d.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n >= 3).length).toBeGreaterThanOrEqual(10);
  });

  it('restricts resources in exactly two datasets: one to registered users, one to listed organisations', () => {
    const restricted = catalogue.datasets.filter((d) => d.resources.some((r) => r.accessLevel !== 'public'));
    expect(restricted).toHaveLength(2);
    const levels = restricted.flatMap((d) => d.resources.map((r) => r.accessLevel)).filter((l) => l !== 'public').sort();
    expect(levels).toEqual(['listed_organizations', 'registered']);
    for (const d of restricted) {
      expect(d.published).toBe(true);
      expect(d.resources.some((r) => r.accessLevel === 'public'), `${d.slug} garde une ressource publique`).toBe(true);
    }
  });

  it('offers the formats a portal must handle, uploaded or referenced', () => {
    const formats = new Set(catalogue.datasets.flatMap((d) => d.resources.map((r) => r.format)));
    for (const f of ['CSV', 'XLSX', 'GeoJSON', 'SHP', 'PDF', 'JSON', 'WMS', 'WFS', 'HTML', 'API']) expect(formats).toContain(f);
    expect(catalogue.datasets.filter((d) => d.resources.length > 1).length).toBeGreaterThanOrEqual(5);
  });

  it('only uses source modes that need no network, with referenced URLs on reserved example domains', () => {
    for (const d of catalogue.datasets) {
      for (const r of d.resources) {
        expect(['upload', 'url_reference'], `${d.slug} / ${r.title}`).toContain(r.sourceMode);
        if (r.url) expect(new URL(r.url).hostname, r.url).toMatch(/(\.|^)example(\.(com|org|net))?$/);
      }
    }
    const urls = [...catalogue.organizations.map((o) => o.website), ...catalogue.showcases.map((s) => s.url)];
    for (const u of urls) if (u) expect(new URL(u).hostname, u).toMatch(/\.example$/);
  });

  it('gives geographic datasets a WGS84 bounding box inside or around Occitanie', () => {
    for (const d of catalogue.datasets.filter((x) => x.dataTypes.includes('geo'))) {
      expect(d.bbox, d.slug).toBeTruthy();
      const [w, s, e, n] = d.bbox as [number, number, number, number];
      expect(w < e && s < n, d.slug).toBe(true);
      expect(w >= -1 && e <= 5.5 && s >= 42 && n <= 45.5, d.slug).toBe(true);
    }
  });

  it('has at least three showcases of distinct types pointing at published datasets', () => {
    expect(catalogue.showcases.length).toBeGreaterThanOrEqual(3);
    expect(new Set(catalogue.showcases.map((s) => s.showcaseType))).toEqual(new Set(['application', 'visualization', 'article']));
    const publishedSlugs = new Set(published.map((d) => d.slug));
    for (const s of catalogue.showcases) {
      expect(s.datasets.length).toBeGreaterThanOrEqual(1);
      for (const slug of s.datasets) expect(publishedSlugs.has(slug), `${s.slug} → ${slug}`).toBe(true);
    }
  });
});

describe('demo catalogue identifiers and references', () => {
  it('never reuses an id', () => {
    const ids = [
      ...catalogue.organizations.map((o) => o.id),
      ...catalogue.datasets.flatMap((d) => [d.id, ...d.resources.map((r) => r.id)]),
      ...catalogue.showcases.map((s) => s.id),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never reuses a slug, a title or an organisation name', () => {
    for (const list of [catalogue.organizations.map((o) => o.slug), catalogue.datasets.map((d) => d.slug), catalogue.showcases.map((s) => s.slug),
      catalogue.datasets.map((d) => d.title), catalogue.organizations.map((o) => o.legalName)]) {
      expect(new Set(list).size).toBe(list.length);
    }
  });

  it('refers only to organisations that exist', () => {
    const orgs = new Set(catalogue.organizations.map((o) => o.slug));
    for (const d of catalogue.datasets) {
      expect(orgs.has(d.organization), d.slug).toBe(true);
      for (const r of d.resources) for (const o of r.allowedOrganizations) expect(orgs.has(o), `${d.slug} → ${o}`).toBe(true);
    }
  });
});

describe('demo files', () => {
  const onDisk = readdirSync(filesDir).sort();

  it('every referenced file exists and none is orphaned', () => {
    const referenced = referencedFiles(catalogue);
    for (const f of referenced) expect(f.startsWith('files/'), f).toBe(true);
    expect(referenced.map((f) => f.slice('files/'.length)).sort()).toEqual(onDisk);
  });

  it('keeps each file small and the folder under 3 MB', () => {
    const sizes = onDisk.map((f) => readFileSync(join(filesDir, f)).length);
    for (const [i, size] of sizes.entries()) expect(size, onDisk[i]).toBeLessThan(300 * 1024);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(3 * 1024 * 1024);
  });

  it('writes PDFs whose cross-reference table points at every object', () => {
    for (const name of onDisk.filter((f) => f.endsWith('.pdf'))) {
      const bytes = readFileSync(join(filesDir, name));
      const text = bytes.toString('latin1');
      expect(text.startsWith('%PDF-1.')).toBe(true);
      const start = Number(text.match(/startxref\n(\d+)\n%%EOF\n$/)?.[1]);
      expect(text.slice(start, start + 4), name).toBe('xref');
      const [, count] = text.slice(start).match(/^xref\n0 (\d+)\n/) ?? [];
      const entries = text.slice(start).split('\n').slice(2, 2 + Number(count));
      entries.slice(1).forEach((entry, i) => {
        expect(entry.length, name).toBe(19); // 20 bytes with the \n the split removed
        expect(text.slice(Number(entry.slice(0, 10))).startsWith(`${i + 1} 0 obj`), `${name} objet ${i + 1}`).toBe(true);
      });
    }
  });

  it('zips the Shapefile with its .shp, .shx, .dbf and .prj in EPSG:4326', () => {
    const entries = unzipSync(new Uint8Array(readFileSync(join(filesDir, 'aires-covoiturage-gard.zip'))));
    const names = Object.keys(entries);
    for (const ext of ['.shp', '.shx', '.dbf', '.prj']) expect(names.some((n) => n.endsWith(ext)), ext).toBe(true);
    const prj = new TextDecoder().decode(entries[names.find((n) => n.endsWith('.prj')) as string]);
    expect(prj).toContain('WGS_1984');
    const shp = entries[names.find((n) => n.endsWith('.shp')) as string] as Uint8Array;
    const dbf = entries[names.find((n) => n.endsWith('.dbf')) as string] as Uint8Array;
    const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
    expect(view(shp).getInt32(0)).toBe(9994); // Shapefile magic number (big-endian)
    expect((shp.length - 100) / 28).toBe(view(dbf).getUint32(4, true)); // one 28-byte point record per DBF row
  });

  it('puts the data of each XLSX workbook on its last sheet', () => {
    for (const name of onDisk.filter((f) => f.endsWith('.xlsx'))) {
      const wb = XLSX.read(readFileSync(join(filesDir, name)));
      expect(wb.SheetNames.length, name).toBeGreaterThanOrEqual(2);
      const rows = XLSX.utils.sheet_to_json<Record<string, unknown>>(wb.Sheets[wb.SheetNames.at(-1) as string] as XLSX.WorkSheet);
      expect(rows.length, name).toBeGreaterThan(10);
    }
  });

  it('includes a French-style CSV: Windows-1252, semicolons and decimal commas', () => {
    const bytes = readFileSync(join(filesDir, 'budget-primitif-2025-herault.csv'));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    // Read as Latin-1, which matches Windows-1252 except in 0x80–0x9F, where 0x80 is the euro sign.
    const [header, first] = bytes.toString('latin1').split('\r\n');
    expect(header).toBe('Exercice;Section;Sens;Chapitre;Libellé du chapitre;Fonction;Libellé de la fonction;Montant voté (\u0080)');
    expect(first).toMatch(/;\d+,\d{2}$/);
  });

  it('parses every GeoJSON and JSON file', () => {
    for (const name of onDisk.filter((f) => f.endsWith('.geojson'))) {
      const fc = JSON.parse(readFileSync(join(filesDir, name), 'utf8')) as { type: string; features: unknown[] };
      expect(fc.type, name).toBe('FeatureCollection');
      expect(fc.features.length, name).toBeGreaterThan(0);
    }
    for (const name of onDisk.filter((f) => f.endsWith('.json'))) {
      expect(Array.isArray(JSON.parse(readFileSync(join(filesDir, name), 'utf8'))), name).toBe(true);
    }
  });

  it('regenerates identical bytes', () => {
    const out = mkdtempSync(join(tmpdir(), 'demo-files-'));
    try {
      const written = writeFiles(out);
      expect(written).toEqual(onDisk);
      for (const name of written) expect(readFileSync(join(out, name)).equals(readFileSync(join(filesDir, name))), name).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('editorial pages', () => {
  it('each page has a front-matter title and description, and the about page says the data are illustrative', () => {
    const pages = readdirSync(pagesDir).filter((f) => f.endsWith('.md')).sort();
    expect(pages).toEqual(['a-propos.md', 'aide-sftp.md', 'aide.md', 'conditions-utilisation.md', 'contact.md', 'mentions-legales.md']);
    for (const page of pages) {
      const front = readFileSync(join(pagesDir, page), 'utf8').match(/^---\n([\s\S]*?)\n---\n/)?.[1] ?? '';
      expect(front, page).toMatch(/^title: \S.*$/m);
      expect(front, page).toMatch(/^description: \S.*$/m);
    }
    expect(readFileSync(join(pagesDir, 'a-propos.md'), 'utf8')).toMatch(/catalogue de démonstration/i);
    expect(readFileSync(join(pagesDir, 'aide.md'), 'utf8')).toContain('8322');
  });
});
