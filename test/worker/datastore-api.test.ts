import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { readEntry } from '../../worker/src/store/datastore';
import { createUser, signedInCookie } from './accounts-fixtures';
import { OPERATOR, ORG_REGION } from './fixtures';
import { action, CORPUS, corpusId, publishCorpus, RES_COMMUNES, RES_PRIVATE, runIngest } from './datastore-fixtures';

const GEO = corpusId(CORPUS.findIndex((c) => c.file === 'mixed-geometry.geojson'));
const PIPES = corpusId(CORPUS.findIndex((c) => c.file === 'pipes.csv'));

async function ready(): Promise<void> {
  await publishCorpus(['latin1-semicolon-decimal-comma.csv', 'mixed-geometry.geojson', 'pipes.csv']);
  await runIngest(RES_COMMUNES, GEO, PIPES, RES_PRIVATE);
}

describe('datastore_search', () => {
  it('answers in CKAN’s envelope with typed fields, records in file order, the total and links', async () => {
    await ready();
    const { status, body } = await action('datastore_search', { resource_id: RES_COMMUNES, limit: 2 });
    expect(status).toBe(200);
    expect(body.success).toBe(true);
    expect(body.help).toContain('help_show?name=datastore_search');
    expect(body.result.fields.slice(0, 3)).toEqual([
      { id: '_id', type: 'int' },
      { id: 'Commune', type: 'text', info: { label: 'Commune' } },
      { id: 'Code_INSEE', type: 'int', info: { label: 'Code INSEE' } },
    ]);
    expect(body.result.records).toEqual([
      { _id: 1, Commune: 'Nîmes', Code_INSEE: 30189, Population: 148104, Superficie_km: 161.85, Densite: 915.1 },
      { _id: 2, Commune: 'Alès', Code_INSEE: 30007, Population: 42571, Superficie_km: 23.16, Densite: 1838.1 },
    ]);
    expect(body.result.total).toBe(5);
    expect(body.result.limit).toBe(2);
    expect(body.result._links.start).toBe(`/api/3/action/datastore_search?resource_id=${RES_COMMUNES}&limit=2`);
    expect(body.result._links.next).toBe(`/api/3/action/datastore_search?resource_id=${RES_COMMUNES}&limit=2&offset=2`);
  });

  it('filters by typed values (a list is any of), searches full text without accents, sorts and pages', async () => {
    await ready();
    const filtered = await action('datastore_search', { resource_id: RES_COMMUNES, filters: { Code_INSEE: ['30189', 30007] }, sort: 'Population asc' });
    expect(filtered.body.result.records.map((r: { Commune: string }) => r.Commune)).toEqual(['Alès', 'Nîmes']);
    expect(filtered.body.result.total).toBe(2);
    const text = await action('datastore_search', { resource_id: RES_COMMUNES, q: 'nimes' });
    expect(text.body.result.records.map((r: { Commune: string }) => r.Commune)).toEqual(['Nîmes']);
    const perField = await action('datastore_search', { resource_id: RES_COMMUNES, q: { Commune: 'saint' } });
    expect(perField.body.result.records.map((r: { Commune: string }) => r.Commune)).toEqual(['Saint-Gilles']);
    const paged = await action('datastore_search', { resource_id: RES_COMMUNES, sort: 'Densite desc', limit: 2, offset: 2, fields: 'Commune,Densite' });
    expect(paged.body.result.records).toEqual([{ Commune: 'Uzès', Densite: 333.6 }, { Commune: 'Beaucaire', Densite: 185 }]);
    expect(paged.body.result._links.next).toContain('offset=4');
    expect(paged.body.result._links.prev).toBe(paged.body.result._links.start);
  });

  it('returns distinct values, lists, CSV and TSV records, booleans as booleans, and clamps the limit', async () => {
    await ready();
    const distinct = await action('datastore_search', { resource_id: PIPES, distinct: true, fields: ['ouvert'], sort: 'ouvert' });
    expect(distinct.body.result.records).toEqual([{ ouvert: false }, { ouvert: true }]);
    const lists = await action('datastore_search', { resource_id: PIPES, records_format: 'lists' });
    expect(lists.body.result.records).toEqual([[1, 1, 'Piscine', true], [2, 2, 'Stade', false]]);
    const csv = await action('datastore_search', { resource_id: RES_COMMUNES, records_format: 'csv', fields: 'Commune,Densite', limit: 2 });
    expect(csv.body.result.records).toBe('Nîmes,915.1\nAlès,1838.1\n');
    const tsv = await action('datastore_search', { resource_id: PIPES, records_format: 'tsv', fields: ['nom'] });
    expect(tsv.body.result.records).toBe('Piscine\nStade\n');
    const clamped = await action('datastore_search', { resource_id: PIPES, limit: 1_000_000, include_total: false });
    expect(clamped.body.result.limit).toBe(32000);
    expect(clamped.body.result).not.toHaveProperty('total');
  });

  it('reads GET parameters on both action paths', async () => {
    await ready();
    const query = new URLSearchParams({ resource_id: RES_COMMUNES, filters: JSON.stringify({ Commune: 'Uzès' }) });
    for (const path of ['/api/3/action/datastore_search', '/api/action/datastore_search']) {
      const response = await SELF.fetch(`https://portal.test${path}?${query}`);
      expect(response.headers.get('content-type')).toContain('application/json');
      const body = await response.json<{ result: { records: Array<{ Population: number }> } }>();
      expect(body.result.records.map((r) => r.Population)).toEqual([8608]);
    }
  });

  it('explains bad parameters in French with CKAN’s statuses', async () => {
    await ready();
    const unknownKey = await action('datastore_search', { resource_id: RES_COMMUNES, colonne: 'x' });
    expect(unknownKey.status).toBe(409);
    expect(unknownKey.body.error).toMatchObject({ __type: 'Validation Error', colonne: ['Paramètre inconnu.'] });
    const badFilter = await action('datastore_search', { resource_id: RES_COMMUNES, filters: { Population: 'beaucoup' } });
    expect(badFilter.body.error.filters).toEqual(['Champ « Population » : la valeur « beaucoup » ne correspond pas au type de la colonne.']);
    const badField = await action('datastore_search', { resource_id: RES_COMMUNES, sort: 'altitude desc' });
    expect(badField.body.error.sort).toEqual(['Champ « altitude » inconnu.']);
    const badQuery = await action('datastore_search', { resource_id: RES_COMMUNES, q: 'Nîmes AND', plain: false });
    expect(badQuery.status).toBe(409);
    expect(badQuery.body.error.q[0]).toContain('Recherche plein texte non reconnue');
    const missing = await action('datastore_search', { resource_id: '00000000-0000-0000-0000-000000000000' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ __type: 'Not Found Error', message: 'Ressource « 00000000-0000-0000-0000-000000000000 » introuvable dans le datastore.' });
    const noId = await action('datastore_search', {});
    expect(noId.body.error.resource_id).toEqual(['Valeur manquante.']);
  });
});

describe('datastore_info', () => {
  it('describes the columns with their labels, native types and indexes', async () => {
    await ready();
    const { body } = await action('datastore_info', { id: RES_COMMUNES });
    expect(body.result.meta).toMatchObject({ id: RES_COMMUNES, count: 5, table_type: 'BASE TABLE' });
    expect(body.result.fields[3]).toEqual({
      id: 'Superficie_km', type: 'numeric', info: { label: 'Superficie (km²)' },
      schema: { native_type: 'REAL', index_name: null, is_index: false, notnull: false, uniquekey: false },
    });
  });
});

describe('restricted resources', () => {
  it('serve rows only to those can() allows, in every action and export', async () => {
    await ready();
    const member = await createUser({ username: 'agent', memberships: [{ organizationId: ORG_REGION, role: 'member' }] });
    const outsider = await createUser({ username: 'passant' });
    const asMember = { cookie: await signedInCookie(member.id) };
    const asOutsider = { cookie: await signedInCookie(outsider.id) };
    const sql = { sql: `SELECT * FROM "${RES_PRIVATE}"` };
    for (const headers of [{}, asOutsider]) {
      for (const [name, params] of [['datastore_search', { resource_id: RES_PRIVATE }], ['datastore_info', { id: RES_PRIVATE }], ['datastore_search_sql', sql]] as const) {
        const { status, body } = await action(name, params, headers);
        expect(status, name).toBe(403);
        expect(body.error.__type).toBe('Authorization Error');
      }
      const exported = await SELF.fetch(`https://portal.test/api/datastore/${RES_PRIVATE}/export.csv`, { headers });
      expect(exported.status).toBe(403);
      expect(await exported.text()).not.toContain('fonte');
    }
    for (const headers of [asMember, OPERATOR]) {
      expect((await action('datastore_search', { resource_id: RES_PRIVATE }, headers)).body.result.records[0].materiau).toBe('fonte');
      expect((await action('datastore_search_sql', sql, headers)).body.result.records).toHaveLength(2);
      expect(await (await SELF.fetch(`https://portal.test/api/datastore/${RES_PRIVATE}/export.csv`, { headers })).text()).toContain('fonte');
    }
  });
});

describe('exports', () => {
  it('export a filtered result as CSV, JSON, XLSX and GeoJSON', async () => {
    await ready();
    const filters = encodeURIComponent(JSON.stringify({ Commune: ['Nîmes', 'Uzès'] }));
    const csv = await SELF.fetch(`https://portal.test/api/datastore/${RES_COMMUNES}/export.csv?filters=${filters}&fields=Commune,Population`);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="${RES_COMMUNES}.csv"`);
    expect(await csv.text()).toBe('Commune,Population\nNîmes,148104\nUzès,8608\n');
    const json = await SELF.fetch(`https://portal.test/api/datastore/${RES_COMMUNES}/export.json?q=uzes`);
    expect(await json.json()).toEqual([{ _id: 4, Commune: 'Uzès', Code_INSEE: 30334, Population: 8608, Superficie_km: 25.8, Densite: 333.6 }]);
    const xlsx = await SELF.fetch(`https://portal.test/api/datastore/${RES_COMMUNES}/export.xlsx`);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(new Uint8Array(await xlsx.arrayBuffer()).slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
    const geojson = await (await SELF.fetch(`https://portal.test/api/datastore/${GEO}/export.geojson?sort=nom`)).json<any>();
    expect(geojson.type).toBe('FeatureCollection');
    expect(geojson.features[0]).toEqual({ type: 'Feature', properties: { _id: 1, nom: 'Point A', hauteur: 12 }, geometry: { type: 'Point', coordinates: [4.36, 43.83] } });
    expect(geojson.features.map((f: any) => f.geometry?.type ?? null)).toEqual(['Point', null, 'LineString', 'Polygon']);
    const noGeometry = await SELF.fetch(`https://portal.test/api/datastore/${RES_COMMUNES}/export.geojson`);
    expect(noGeometry.status).toBe(409);
    expect((await noGeometry.json<any>()).error.message).toContain("pas de colonne géométrique");
  });
});

describe('ingest lifecycle', () => {
  it('is queued by an operator import for tabular files that changed, and reports progress to contributors only', async () => {
    await publishCorpus(['pipes.csv']);
    expect((await readEntry(env.DATASTORE, PIPES))?.jobState).toBe('queued');
    const anonymous = await SELF.fetch(`https://portal.test/api/datastore/${PIPES}/status`);
    expect(anonymous.status).toBe(403);
    await runIngest(PIPES);
    const status = await (await SELF.fetch(`https://portal.test/api/datastore/${PIPES}/status`, { headers: OPERATOR })).json<any>();
    expect(status).toMatchObject({ state: 'done', stateLabel: 'Données requêtables', rowsLoaded: 2, rowsTotal: 2, queryable: true });
    expect(status.report.columns.map((c: any) => [c.id, c.type])).toEqual([['code', 'integer'], ['nom', 'text'], ['ouvert', 'boolean']]);
    // Same file again: nothing to ingest.
    await env.DATASTORE.prepare("UPDATE datastore_resources SET job_state = 'done'").run();
    await publishCorpus(['pipes.csv']);
    expect((await readEntry(env.DATASTORE, PIPES))?.jobState).toBe('done');
  });

  it('keeps the previous table served when a new file fails, and swaps a good one in', async () => {
    await ready();
    const before = (await readEntry(env.DATASTORE, PIPES))!;
    // The same resource republished with junk: the ingest fails, the old rows stay queryable.
    await env.FILES.put(`replaced/${PIPES}`, new Uint8Array([0, 1, 2, 3, 0, 0]));
    await env.DB.prepare("UPDATE resources SET file_key = ?, size_bytes = 6 WHERE id = ?").bind(`replaced/${PIPES}`, PIPES).run();
    await runIngest(PIPES);
    const failed = (await readEntry(env.DATASTORE, PIPES))!;
    expect(failed.jobState).toBe('failed');
    expect(failed.report!.errors[0]).toContain("pas un texte CSV lisible");
    expect(failed.tableName).toBe(before.tableName);
    expect((await action('datastore_search', { resource_id: PIPES })).body.result.total).toBe(2);
    await env.FILES.put(`replaced/${PIPES}`, 'code|nom|ouvert\n1|Piscine|true\n2|Stade|false\n3|Gymnase|true\n');
    await env.DB.prepare("UPDATE resources SET size_bytes = NULL WHERE id = ?").bind(PIPES).run();
    await runIngest(PIPES);
    const swapped = (await readEntry(env.DATASTORE, PIPES))!;
    expect(swapped.tableName).not.toBe(before.tableName);
    expect((await action('datastore_search', { resource_id: PIPES })).body.result.total).toBe(3);
    const left = await env.DATASTORE.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?").bind(before.tableName).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });

  it('drops the tables of a resource the catalogue no longer has', async () => {
    await ready();
    const served = (await readEntry(env.DATASTORE, PIPES))!.tableName!;
    await publishCorpus(['latin1-semicolon-decimal-comma.csv']);
    expect((await readEntry(env.DATASTORE, PIPES))?.jobState).toBe('queued');
    await runIngest(PIPES);
    expect(await readEntry(env.DATASTORE, PIPES)).toBeNull();
    const left = await env.DATASTORE.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE ?").bind(`${served}%`).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });

  it('refuses files over the size limit with the sizes in the report', async () => {
    await ready();
    await env.DB.prepare('UPDATE resources SET size_bytes = 20000000 WHERE id = ?').bind(PIPES).run();
    await runIngest(PIPES);
    const entry = (await readEntry(env.DATASTORE, PIPES))!;
    expect(entry.jobState).toBe('failed');
    expect(entry.report!.errors[0]).toBe('Le fichier pèse 20\u202f000\u202f000 octets, au-delà de la limite du datastore (15\u202f728\u202f640 octets).');
    expect(entry.tableName).not.toBeNull();
  });
});

describe('operator re-ingest', () => {
  it('indexes the chosen Excel sheet instead of the last one, and is refused to anyone else', async () => {
    const XLSX = corpusId(CORPUS.findIndex((c) => c.file === 'empty-last-sheet.xlsx'));
    await publishCorpus(['empty-last-sheet.xlsx']);
    await runIngest(XLSX);
    expect((await readEntry(env.DATASTORE, XLSX))?.jobState).toBe('skipped');
    const refused = await SELF.fetch(`https://portal.test/api/internal/datastore/${XLSX}/ingest`, { method: 'POST', body: '{"sheet":"Données"}' });
    expect(refused.status).toBe(403);
    const accepted = await SELF.fetch(`https://portal.test/api/internal/datastore/${XLSX}/ingest`, { method: 'POST', headers: OPERATOR, body: '{"sheet":"Données"}' });
    expect(accepted.status).toBe(202);
    expect((await readEntry(env.DATASTORE, XLSX))?.jobState).toBe('queued');
    await runIngest(XLSX);
    const entry = (await readEntry(env.DATASTORE, XLSX))!;
    expect(entry.jobState).toBe('done');
    expect(entry.sheet).toBe('Données');
    expect((await action('datastore_search', { resource_id: XLSX })).body.result.records).toEqual([{ _id: 1, code: 1, nom: 'Données internes' }]);
  });
});
