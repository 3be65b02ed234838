// CKAN write API uploads streamed to R2, against the real Worker in workerd: bodies shaped as ckanapi (requests /
// urllib3) sends them, generated as streams; broken bodies give CKAN's errors and leave nothing stored.
import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../../worker/src/index';
import { newApiToken } from '../../worker/src/store/api-tokens';
import { world, type World } from './publish-datasets-fixtures';

const ORIGIN = 'https://portal.test';
const encoder = new TextEncoder();

interface Envelope { success: boolean; result: Record<string, unknown> & { id: string; url: string; hash: string; size: number }; error: Record<string, string[]> & { __type: string } }

let w: World;
let key: string;
let datasetId: string;

beforeEach(async () => {
  const objects = (await env.FILES.list()).objects.map((o) => o.key);
  if (objects.length) await env.FILES.delete(objects);
  w = await world();
  const created = newApiToken(env.DB, w.contributor.id, { name: 'api', scope: 'read_write', expiresAt: null });
  await created.statement.run();
  key = created.secret;
  const response = await SELF.fetch(`${ORIGIN}/api/action/package_create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: key },
    body: JSON.stringify({ name: 'arrets-bus-lodeve', title: 'Arrêts de bus de Lodève', notes: 'Arrêts.', owner_org: 'commune-de-lodeve', license_id: 'lov2' }),
  });
  datasetId = (await response.json<Envelope>()).result.id;
});

/** A CSV of `size` bytes, the same each time, made chunk by chunk (never one string). */
function* csvChunks(size: number, chunk = 1 << 20): Generator<Uint8Array> {
  const header = encoder.encode('numero;valeur\n');
  const line = (n: number) => encoder.encode(`${String(n).padStart(8, '0')};${(n * 2654435761 % 4294967296).toString(16).padStart(8, '0')}\n`);
  let sent = 0;
  let n = 0;
  let first = true;
  while (sent < size) {
    const out = new Uint8Array(Math.min(chunk, size - sent));
    let at = 0;
    if (first) {
      out.set(header.subarray(0, out.length));
      at = Math.min(header.length, out.length);
      first = false;
    }
    while (at < out.length) {
      const bytes = line(n++);
      const take = Math.min(bytes.length, out.length - at);
      out.set(bytes.subarray(0, take), at);
      at += take;
    }
    sent += out.length;
    yield out;
  }
}

async function sha256Of(chunks: Iterable<Uint8Array> | ReadableStream<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const digest = new crypto.DigestStream('SHA-256');
  const writer = digest.getWriter();
  let size = 0;
  if (chunks instanceof ReadableStream) {
    for await (const chunk of chunks) { size += chunk.length; await writer.write(chunk); }
  } else {
    for (const chunk of chunks) { size += chunk.length; await writer.write(chunk); }
  }
  await writer.close();
  return { sha256: [...new Uint8Array(await digest.digest)].map((b) => b.toString(16).padStart(2, '0')).join(''), size };
}

interface BodyShape {
  fields: Record<string, string>;
  fileName: string;
  file: Iterable<Uint8Array>;
  /** Bytes of the whole body after which it stops (a client cut off). */
  cutAt?: number;
  /** Leave out the closing `--boundary--`. */
  noClosing?: boolean;
}

const BOUNDARY = '9e107d9d372bb6826bd81d3542a419d6'; // urllib3: 32 hex digits

/**
 * The body ckanapi sends (requests' encoding by urllib3): the data fields first, each with a bare
 * Content-Disposition, then the file with its name quoted raw in UTF-8 (HTML5 style), then the closing boundary.
 */
function ckanapiBody(shape: BodyShape): ReadableStream<Uint8Array> {
  const quote = (value: string) => value.replace(/"/g, '%22');
  function* parts(): Generator<Uint8Array> {
    for (const [name, value] of Object.entries(shape.fields)) {
      yield encoder.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`);
    }
    yield encoder.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="${quote(shape.fileName)}"\r\n\r\n`);
    yield* shape.file;
    if (!shape.noClosing) yield encoder.encode(`\r\n--${BOUNDARY}--\r\n`);
  }
  const source = parts();
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = source.next();
      if (next.done) return controller.close();
      let chunk = next.value;
      if (shape.cutAt !== undefined && sent + chunk.length >= shape.cutAt) {
        chunk = chunk.subarray(0, shape.cutAt - sent);
        sent += chunk.length;
        if (chunk.length) controller.enqueue(chunk);
        return controller.close();
      }
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
}

const headers = () => ({
  'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'x-ckan-api-key': key, authorization: key,
  'user-agent': 'ckanapi/4.11 (+https://github.com/ckan/ckanapi)',
});

async function post(action: string, body: ReadableStream<Uint8Array> | string, extra: { direct?: boolean; UPLOAD_MAX_BYTES?: string; headers?: Record<string, string> } = {}) {
  const request = new Request(`${ORIGIN}/api/action/${action}`, { method: 'POST', body, headers: { ...headers(), ...extra.headers } });
  let response: Response;
  if (extra.direct || extra.UPLOAD_MAX_BYTES) {
    // The real Worker called in this isolate: with a smaller configured maximum (a setting of the deployment), or
    // with a request body whose stream fails as a dropped connection does.
    const ctx = createExecutionContext();
    response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, ...(extra.UPLOAD_MAX_BYTES ? { UPLOAD_MAX_BYTES: extra.UPLOAD_MAX_BYTES } : {}) }, ctx);
    await waitOnExecutionContext(ctx);
  } else {
    response = await SELF.fetch(request);
  }
  const text = await response.text();
  return { status: response.status, text, body: (text.startsWith('{') ? JSON.parse(text) : null) as Envelope };
}

const download = (url: string) => SELF.fetch(`${ORIGIN}${new URL(url).pathname}`);
const storedKeys = async () => (await env.FILES.list()).objects.map((o) => o.key);

describe('resource_create with a streamed upload', () => {
  it('stores a 60 MB file sent as ckanapi sends it: identical bytes and SHA-256 served back', async () => {
    const size = 60 * 1000 * 1000;
    const expected = await sha256Of(csvChunks(size));
    const started = Date.now();
    const created = await post('resource_create', ckanapiBody({
      fields: { package_id: datasetId, name: 'Grand fichier', description: 'Soixante mégaoctets' }, fileName: 'mesures-été.csv', file: csvChunks(size),
    }));
    const elapsed = Date.now() - started;
    console.log(`60 MB resource_create upload: ${elapsed} ms`);
    expect(created.status, created.text).toBe(200);
    expect(created.body.result).toMatchObject({ name: 'Grand fichier', format: 'CSV', url_type: 'upload', size, hash: expected.sha256 });
    expect(created.body.result.url).toMatch(/\/download\/mesures-%C3%A9t%C3%A9\.csv$/);
    const served = await download(created.body.result.url);
    expect(served.status).toBe(200);
    expect(await sha256Of(served.body!)).toEqual(expected);
  }, 120_000);

  it('keeps ckanapi’s field order and a non-ASCII file name, quoted raw or as RFC 5987 filename*', async () => {
    const csv = encoder.encode('arret;commune\nGare;Lodève\n');
    const file = [csv];
    const created = await post('resource_create', ckanapiBody({ fields: { package_id: datasetId, name: 'Arrêts « centre »', format: 'CSV' }, fileName: 'arrêts de Lodève.csv', file }));
    expect(created.status, created.text).toBe(200);
    expect(created.body.result).toMatchObject({ name: 'Arrêts « centre »', format: 'CSV', size: csv.length });
    expect(new Uint8Array(await (await download(created.body.result.url)).arrayBuffer())).toEqual(csv);
    expect(decodeURIComponent(created.body.result.url.split('/').pop()!)).toBe('arrêts de Lodève.csv');

    const encoded = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="package_id"\r\n\r\n${datasetId}\r\n`
      + `--${BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename*=utf-8''arr%C3%AAts.csv\r\nContent-Type: text/csv\r\n\r\n`
      + `arret;commune\nGare;Lodève\n\r\n--${BOUNDARY}--\r\n`;
    const rfc5987 = await post('resource_create', encoded);
    expect(rfc5987.status, rfc5987.text).toBe(200);
    expect(decodeURIComponent(rfc5987.body.result.url.split('/').pop()!)).toBe('arrêts.csv');
  });
});

/** The same body re-cut into pieces of 1 to 7 bytes, so boundaries and headers straddle reads. */
function inSmallPieces(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  let size = 0;
  return body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      for (let at = 0; at < chunk.length;) {
        size = size % 7 + 1;
        controller.enqueue(chunk.subarray(at, at + size));
        at += size;
      }
    },
  }));
}

describe('bodies read in small pieces', () => {
  it('parses fields, file and closing boundary split across reads, and still sees a missing end', async () => {
    const csv = encoder.encode('arret;commune\nGare;Lodève\nPlace;Lodève\n');
    const whole = await post('resource_create', inSmallPieces(ckanapiBody({ fields: { package_id: datasetId, name: 'Arrêts' }, fileName: 'arrêts.csv', file: [csv] })));
    expect(whole.status, whole.text).toBe(200);
    expect(whole.body.result).toMatchObject({ name: 'Arrêts', size: csv.length, hash: (await sha256Of([csv])).sha256 });
    const open = await post('resource_create', inSmallPieces(ckanapiBody({ fields: { package_id: datasetId, name: 'Arrêts' }, fileName: 'b.csv', file: [csv], noClosing: true })));
    expect(open.status, open.text).toBe(409);
    expect((await storedKeys()).length).toBe(1);
  });
});

describe('broken or refused uploads leave nothing in R2', () => {
  const big = 20 * 1000 * 1000; // several R2 parts are sent before the break

  it('a body cut off in the middle of the file: 409 under upload, no object stored, no resource saved', async () => {
    const cut = await post('resource_create', ckanapiBody({ fields: { package_id: datasetId, name: 'Coupé' }, fileName: 'coupe.csv', file: csvChunks(big), cutAt: 18 * 1000 * 1000 }));
    expect(cut.status, cut.text).toBe(409);
    expect(cut.body.error).toMatchObject({ __type: 'Validation Error', upload: [expect.stringContaining('incomplet')] });
    expect(await storedKeys()).toEqual([]);
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM resources WHERE dataset_id = ?').bind(datasetId).first<{ n: number }>())!.n).toBe(0);
  }, 60_000);

  it('a connection lost in the middle of the file: 409 under upload, nothing stored', async () => {
    const body = ckanapiBody({ fields: { package_id: datasetId, name: 'Perdu' }, fileName: 'perdu.csv', file: csvChunks(big) });
    const reader = body.getReader();
    let sent = 0;
    const dropped = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value } = await reader.read();
        sent += value!.length;
        if (sent > 17 * 1000 * 1000) return controller.error(new Error('connexion perdue'));
        controller.enqueue(value!);
      },
    }, { highWaterMark: 0 });
    const lost = await post('resource_create', dropped, { direct: true });
    expect(lost.status, lost.text).toBe(409);
    expect(lost.body.error.upload).toEqual([expect.stringContaining('incomplet')]);
    expect(await storedKeys()).toEqual([]);
  }, 60_000);

  it('a body whose file ends without the closing boundary is refused as incomplete', async () => {
    const open = await post('resource_create', ckanapiBody({ fields: { package_id: datasetId, name: 'Sans fin' }, fileName: 'sans-fin.csv', file: csvChunks(big), noClosing: true }));
    expect(open.status, open.text).toBe(409);
    expect(open.body.error.upload).toEqual([expect.stringContaining('incomplet')]);
    const small = await post('resource_create', ckanapiBody({ fields: { package_id: datasetId, name: 'Sans fin' }, fileName: 'petit.csv', file: [encoder.encode('a;b\n1;2\n')], noClosing: true }));
    expect(small.status, small.text).toBe(409);
    // The file delimited, but the body stops before the closing `--`.
    const delimited = await post('resource_create', `--${BOUNDARY}\r\nContent-Disposition: form-data; name="package_id"\r\n\r\n${datasetId}\r\n`
      + `--${BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="a.csv"\r\n\r\na;b\n1;2\n\r\n--${BOUNDARY}\r\n`);
    expect(delimited.status, delimited.text).toBe(409);
    expect(await storedKeys()).toEqual([]);
  }, 60_000);

  it('a body cut off among the fields, a missing boundary and a field after the file are refused', async () => {
    const fieldsCut = await post('resource_create', `--${BOUNDARY}\r\nContent-Disposition: form-data; name="package_id"\r\n\r\n${datasetId}`);
    expect(fieldsCut.status).toBe(400);
    expect(JSON.parse(fieldsCut.text)).toContain('closing boundary');
    const noBoundary = await post('resource_create', 'x', { headers: { 'content-type': 'multipart/form-data' } });
    expect(noBoundary.status).toBe(400);
    expect(JSON.parse(noBoundary.text)).toContain('boundary');
    const after = await post('resource_create', `--${BOUNDARY}\r\nContent-Disposition: form-data; name="package_id"\r\n\r\n${datasetId}\r\n`
      + `--${BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="a.csv"\r\n\r\na;b\n1;2\n\r\n`
      + `--${BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\nTrop tard\r\n--${BOUNDARY}--\r\n`);
    expect(after.status, after.text).toBe(409);
    expect(after.body.error.upload).toEqual([expect.stringContaining('dernière partie')]);
    expect(await storedKeys()).toEqual([]);
  });

  it('a file over the configured maximum stops there, whether its length is announced or not', async () => {
    const streamed = await post('resource_create', ckanapiBody({ fields: { package_id: datasetId, name: 'Gros' }, fileName: 'gros.csv', file: csvChunks(12 * 1000 * 1000) }),
      { UPLOAD_MAX_BYTES: '10000000' });
    expect(streamed.status, streamed.text).toBe(409);
    expect(streamed.body.error).toMatchObject({ __type: 'Validation Error', upload: [expect.stringContaining('au plus 10 Mo')] });
    expect(await storedKeys()).toEqual([]);
    const announced = await post('resource_create', ckanapiBody({ fields: { package_id: datasetId, name: 'Gros' }, fileName: 'gros.csv', file: csvChunks(3000) }),
      { UPLOAD_MAX_BYTES: '1000', headers: { 'content-length': String(3_000_000) } });
    expect(announced.status, announced.text).toBe(409);
    expect(announced.body.error.upload).toEqual([expect.stringContaining('au plus')]);
  }, 60_000);
});

describe('resource_update replacing the file', () => {
  it('serves the new file once stored, and keeps the old one served when the new upload breaks', async () => {
    const first = [...csvChunks(9 * 1000 * 1000)];
    const created = await post('resource_create', ckanapiBody({ fields: { package_id: datasetId, name: 'Mesures' }, fileName: 'mesures.csv', file: first }));
    expect(created.status, created.text).toBe(200);
    const id = created.body.result.id;
    const before = await sha256Of(first);
    expect(created.body.result.hash).toBe(before.sha256);

    const broken = await post('resource_update', ckanapiBody({ fields: { id, name: 'Mesures 2027' }, fileName: 'mesures.csv', file: csvChunks(30 * 1000 * 1000), cutAt: 25 * 1000 * 1000 }));
    expect(broken.status, broken.text).toBe(409);
    expect(broken.body.error.upload).toEqual([expect.stringContaining('incomplet')]);
    const shown = await SELF.fetch(`${ORIGIN}/api/3/action/resource_show?id=${id}`).then((r) => r.json<Envelope>());
    expect(shown.result).toMatchObject({ name: 'Mesures', url: created.body.result.url, hash: before.sha256 });
    expect(await sha256Of((await download(created.body.result.url)).body!)).toEqual(before);
    expect(await storedKeys()).toHaveLength(1);

    const second = [...csvChunks(11 * 1000 * 1000)];
    const replaced = await post('resource_update', ckanapiBody({ fields: { id, name: 'Mesures 2027' }, fileName: 'mesures-2027.csv', file: second }));
    expect(replaced.status, replaced.text).toBe(200);
    const after = await sha256Of(second);
    expect(replaced.body.result).toMatchObject({ id, name: 'Mesures 2027', size: after.size, hash: after.sha256 });
    expect(await sha256Of((await download(replaced.body.result.url)).body!)).toEqual(after);
  }, 120_000);
});
