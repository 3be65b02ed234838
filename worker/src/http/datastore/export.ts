// Exports of a datastore resource, whole or filtered with datastore_search's parameters:
// GET /api/datastore/{resourceId}/export.{csv|json|xlsx|geojson}?filters=…&q=…&sort=…&fields=…
// CSV, JSON and GeoJSON stream page by page; XLSX is built in memory, so it is capped.
import type { IRequest } from 'itty-router';
import { utils, write } from '@e965/xlsx';
import type { Env } from '../../env';
import { delimitedText, ParamError, type Params } from '../../domain/datastore-query';
import { problem } from '../respond';
import { ActionError, fromParamError, m, readableEntry, readParams } from './common';
import { runSearch } from './actions';

const PAGE = 5000;
/** Rows an XLSX export holds at most (the workbook is built in memory). */
export const XLSX_MAX_ROWS = 100_000;
const FORMATS = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8', geojson: 'application/geo+json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;
type Format = keyof typeof FORMATS;
const EXPORT_KEYS: ReadonlySet<string> = new Set();

/** Pages of rows: by `_id` when the order is the default one, by OFFSET otherwise. */
async function* pages(request: IRequest, env: Env, params: Params, max: number): AsyncGenerator<{ fields: { id: string; type: string }[]; rows: unknown[][] }> {
  const limit = params.limit === undefined ? Infinity : Number(params.limit);
  const keyset = params.sort === undefined && !params.distinct;
  let sent = 0;
  let lastId = 0;
  let offset = Number(params.offset ?? 0);
  while (sent < Math.min(limit, max)) {
    const size = Math.min(PAGE, Math.min(limit, max) - sent);
    const page: Params = { ...params, limit: size, offset: keyset ? offset : offset + sent, include_total: false };
    const { plan, rows } = await runSearch(request, env, page, EXPORT_KEYS, keyset ? lastId : undefined);
    if (keyset) offset = 0;
    yield { fields: plan.fields, rows };
    sent += rows.length;
    if (rows.length < size) return;
    const idIndex = plan.fields.findIndex((f) => f.id === '_id');
    if (keyset) {
      if (idIndex === -1) return void 0;
      lastId = rows[rows.length - 1]![idIndex] as number;
    }
  }
}

export async function exportHandler(request: IRequest, env: Env): Promise<Response> {
  const match = /^export\.(csv|json|xlsx|geojson)$/.exec(request.params.file ?? '');
  if (!match) return problem(404, m('datastore.param.format'));
  const format = match[1] as Format;
  const resourceId = request.params.resourceId!;
  try {
    const params: Params = { ...(await readParams(request)), resource_id: resourceId };
    const entry = await readableEntry(request, env, resourceId);
    const geometry = entry.fields.find((f) => f.type === 'geometry');
    if (format === 'geojson' && !geometry) return problem(409, m('datastore.api.noGeometry'));
    // Keyset paging needs _id in every page: ask for it, and leave it out of the file if it was not requested.
    if (params.fields !== undefined && format !== 'xlsx') {
      const requested = Array.isArray(params.fields) ? params.fields.map(String) : String(params.fields).split(',').map((s) => s.trim());
      if (!requested.includes('_id')) params.fields = ['_id', ...requested];
    }
    const headers = {
      'content-type': FORMATS[format],
      'content-disposition': `attachment; filename="${resourceId}.${format}"`,
    };
    // XLSX: one row more than the cap tells a result too large for it, refused rather than cut short.
    const iterator = pages(request, env, params, format === 'xlsx' ? XLSX_MAX_ROWS + 1 : Infinity);
    // The first page runs before answering, so bad parameters give a clear error rather than a broken file.
    const first = await iterator.next();
    if (format === 'xlsx') {
      const rows: unknown[][] = [];
      let fields = first.done ? [] : first.value.fields;
      if (!first.done) rows.push(...first.value.rows);
      for await (const page of iterator) {
        fields = page.fields;
        rows.push(...page.rows);
      }
      if (rows.length > XLSX_MAX_ROWS) return problem(409, m('datastore.api.xlsxTooLarge', { max: XLSX_MAX_ROWS }));
      const sheet = utils.aoa_to_sheet([fields.map((f) => f.id), ...rows]);
      const book = utils.book_new();
      utils.book_append_sheet(book, sheet, 'données');
      return new Response(write(book, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer, { headers });
    }
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const encoder = new TextEncoder();
    const requestedId = request.query.fields === undefined || String(request.query.fields).split(',').map((s) => s.trim()).includes('_id');
    (async () => {
      let count = 0;
      const emit = async (page: { fields: { id: string; type: string }[]; rows: unknown[][] }, isFirst: boolean) => {
        const keep = page.fields.map((f, i) => (f.id !== '_id' || requestedId ? i : -1)).filter((i) => i >= 0);
        const names = keep.map((i) => page.fields[i]!.id);
        const rows = page.rows.map((r) => keep.map((i) => r[i]));
        let text = '';
        if (format === 'csv') {
          if (isFirst) text += delimitedText([names], ',');
          text += delimitedText(rows, ',');
        } else if (format === 'json') {
          for (const r of rows) text += `${count++ === 0 ? '[' : ','}\n${JSON.stringify(Object.fromEntries(names.map((n, i) => [n, r[i]])))}`;
        } else {
          const g = names.indexOf(geometry!.id);
          for (const r of rows) {
            const properties = Object.fromEntries(names.flatMap((n, i) => (i === g ? [] : [[n, r[i]]])));
            const shape = g >= 0 && typeof r[g] === 'string' ? JSON.parse(r[g] as string) as unknown : null;
            text += `${count++ === 0 ? '{"type":"FeatureCollection","features":[' : ','}\n${JSON.stringify({ type: 'Feature', properties, geometry: shape })}`;
          }
        }
        if (text) await writer.write(encoder.encode(text));
      };
      try {
        if (!first.done) await emit(first.value, true);
        for await (const page of iterator) await emit(page, false);
        if (format === 'json') await writer.write(encoder.encode(count === 0 ? '[]\n' : '\n]\n'));
        if (format === 'geojson') await writer.write(encoder.encode(count === 0 ? '{"type":"FeatureCollection","features":[]}\n' : '\n]}\n'));
        await writer.close();
      } catch (error) {
        console.error('export failed', error);
        await writer.abort(error);
      }
    })();
    return new Response(readable, { headers });
  } catch (error) {
    if (error instanceof ParamError) return problem(fromParamError(error).status, m(error.notice.key, error.notice.params));
    if (error instanceof ActionError) return problem(error.status, String(error.error.message));
    throw error;
  }
}
