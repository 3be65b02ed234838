import { describe, expect, it } from 'vitest';
import { csvSource, EncodingMismatch, jsonSource, type SourceRow } from '../../worker/src/domain/datastore-sources';
import { TabularError } from '../../worker/src/domain/datastore-text';

/** A stream of the bytes in chunks of 1 000, opened anew at each call (as R2 gives a new body per read). */
const opener = (bytes: Uint8Array) => async () => new ReadableStream<Uint8Array>({
  start(controller) {
    for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000));
    controller.close();
  },
});

async function allRows(rows: AsyncIterable<SourceRow[]>): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const batch of rows) out.push(...batch);
  return out;
}

describe('CSV source', () => {
  it('starts again in Windows-1252 when a byte past the sniffed sample is not UTF-8', async () => {
    const head = new TextEncoder().encode(`ville;code\n${'Montpellier;34172\n'.repeat(5000)}`);
    const tail = Uint8Array.from([...'N\xeemes;30189\n'].map((c) => c.charCodeAt(0)));
    const bytes = new Uint8Array([...head, ...tail]);
    const source = await csvSource(opener(bytes));
    expect(source.details).toEqual({ encoding: 'utf-8', delimiter: ';' });
    await expect(allRows(source.rows())).rejects.toBeInstanceOf(EncodingMismatch);
    expect(source.fallbackEncoding!()).toBe(true);
    const rows = await allRows(source.rows());
    expect(rows).toHaveLength(5001);
    expect(rows.at(-1)).toEqual({ cells: ['Nîmes', '30189'], line: 5002 });
    expect(source.notices.map((n) => n.key)).toEqual(['datastore.warning.encodingFallback']);
  });

  it('strips the byte order mark from the first title', async () => {
    const source = await csvSource(opener(new TextEncoder().encode('\ufeffcode,nom\n1,a\n')));
    expect(source.titles).toEqual(['code', 'nom']);
    expect(await allRows(source.rows())).toEqual([{ cells: ['1', 'a'], line: 2 }]);
  });
});

describe('JSON source', () => {
  it('takes columns from the keys in order of first appearance', async () => {
    const source = jsonSource(new TextEncoder().encode('[{"a":1,"b":"x"},{"c":true,"a":2}]').buffer as ArrayBuffer);
    expect(source.titles).toEqual(['a', 'b', 'c']);
    expect(await allRows(source.rows())).toEqual([{ cells: ['1', 'x', null], line: 1 }, { cells: ['2', null, 'true'], line: 2 }]);
  });

  it('refuses an object, saying what it found', () => {
    expect(() => jsonSource(new TextEncoder().encode('{"rows":[]}').buffer as ArrayBuffer)).toThrow(TabularError);
  });
});
