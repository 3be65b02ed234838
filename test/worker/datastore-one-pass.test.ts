// The one-pass ingest: types guessed from the first rows, checked against the whole file, and a second load only
// when they did not hold. Files longer than the guess window, so the guess really is a guess.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { readEntry } from '../../worker/src/store/datastore';
import { action, CORPUS, corpusId, publishCorpus, runIngest } from './datastore-fixtures';

const PIPES = corpusId(CORPUS.findIndex((c) => c.file === 'pipes.csv'));

/** Replaces the resource's file with `content` and ingests it. */
async function ingestFile(content: string | Uint8Array) {
  await publishCorpus(['pipes.csv']);
  await env.FILES.put(`replaced/${PIPES}`, content);
  await env.DB.prepare('UPDATE resources SET file_key = ?, size_bytes = NULL WHERE id = ?').bind(`replaced/${PIPES}`, PIPES).run();
  await runIngest(PIPES);
  const entry = (await readEntry(env.DATASTORE, PIPES))!;
  expect(entry.jobState, JSON.stringify(entry.report)).toBe('done');
  return entry;
}

const lines = (count: number, row: (i: number) => string) => Array.from({ length: count }, (_, i) => row(i + 1)).join('\n');
const typeOf = (entry: Awaited<ReturnType<typeof ingestFile>>, id: string) => entry.fields.find((f) => f.id === id)?.type;

describe('one-pass ingest', () => {
  it('loads a file whose first rows tell the truth once, with exact values and counts', async () => {
    const entry = await ingestFile(`n,montant,libelle\n${lines(5000, (i) => `${i},${(i * 1.25).toFixed(2)},ligne ${i}`)}\n`);
    expect(entry.rowCount).toBe(5000);
    expect(entry.report!.phasesMs!.reload).toBe(0);
    expect([typeOf(entry, 'n'), typeOf(entry, 'montant'), typeOf(entry, 'libelle')]).toEqual(['integer', 'decimal', 'text']);
    const { body } = await action('datastore_search', { resource_id: PIPES, filters: { n: 4321 } });
    expect(body.result.records).toEqual([{ _id: 4321, n: 4321, montant: 5401.25, libelle: 'ligne 4321' }]);
  });

  it('loads again with the whole file’s types when a late value breaks the first rows’ guess', async () => {
    // Integers for 3 000 rows, then a code with a letter: the column is text, and every value kept as written.
    const entry = await ingestFile(`code,valeur\n${lines(3000, (i) => `${i},${i}`)}\n2A004,3001\n${lines(10, (i) => `${3001 + i},${3001 + i}`)}\n`);
    expect(entry.rowCount).toBe(3011);
    expect(typeOf(entry, 'code')).toBe('text');
    expect(typeOf(entry, 'valeur')).toBe('integer');
    expect(entry.report!.warnings.join('\n')).toContain('2A004');
    const { body } = await action('datastore_search', { resource_id: PIPES, filters: { code: ['2A004', '17'] }, sort: '_id' });
    expect(body.result.records).toEqual([{ _id: 17, code: '17', valeur: 17 }, { _id: 3001, code: '2A004', valeur: 3001 }]);
    expect((await action('datastore_search', { resource_id: PIPES, limit: 0 })).body.result.total).toBe(3011);
  });

  it('keeps every value of a column that looked like dates until a late text', async () => {
    const entry = await ingestFile(`jour,n\n${lines(2500, (i) => `${String(1 + (i % 28)).padStart(2, '0')}/03/2024,${i}`)}\ninconnu,2501\n`);
    expect(typeOf(entry, 'jour')).toBe('text');
    const { body } = await action('datastore_search', { resource_id: PIPES, filters: { n: [1, 2501] }, sort: 'n' });
    expect(body.result.records).toEqual([{ _id: 1, jour: '02/03/2024', n: 1 }, { _id: 2501, jour: 'inconnu', n: 2501 }]);
  });

  it('starts again in Windows-1252 when a Latin-1 byte appears after the rows already loaded, without duplicating them', async () => {
    const head = new TextEncoder().encode(`commune,n\n${lines(8000, (i) => `ville ${i},${i}`)}\n`);
    const tail = Uint8Array.from([...'Al'].map((c) => c.charCodeAt(0)).concat([0xe8], [...'s,8001\n'].map((c) => c.charCodeAt(0))));
    const file = new Uint8Array(head.byteLength + tail.byteLength);
    file.set(head);
    file.set(tail, head.byteLength);
    const entry = await ingestFile(file);
    expect(entry.report!.encoding).toBe('windows-1252');
    expect(entry.rowCount).toBe(8001);
    const { body } = await action('datastore_search', { resource_id: PIPES, filters: { n: 8001 } });
    expect(body.result.records).toEqual([{ _id: 8001, commune: 'Alès', n: 8001 }]);
  });

  it('stores plain numbers written as they are with the same values as converted ones', async () => {
    const values = ['0', '-7', '12.50', '0.1', '-0.0', '123456789012345', '1234567890.12345', '3.14159265358979', '+5', '1e3', ' 42 ', '007.5'];
    const entry = await ingestFile(`x\n${values.join('\n')}\n`);
    expect(typeOf(entry, 'x')).toBe('decimal');
    const rows = await env.DATASTORE.prepare(`SELECT x, typeof(x) AS t FROM "${entry.tableName}" ORDER BY _id`).all<{ x: number; t: string }>();
    expect(rows.results.map((r) => r.t)).toEqual(values.map(() => 'real'));
    expect(rows.results.map((r) => r.x)).toEqual(values.map((v) => Number(v.trim()) || 0));
  });
});
