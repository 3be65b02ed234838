// A multipart/form-data body (RFC 7578) read as a stream: the fields before the file are read at once, the file
// part (`upload`, as ckanapi sends it after the fields) is handed on as a stream that pulls the request body only
// as fast as it is read, so a large upload never sits whole in the Worker's memory. multipasta does the parsing;
// its own web wrapper buffers a file without backpressure, so its push parser is driven here from the reads.
import { decodeField, make, type MultipartError } from 'multipasta';

/** The field whose file is streamed; other file parts are skipped, as formData() consumers ignored them. */
export const UPLOAD_FIELD = 'upload';
const MAX_FIELD_BYTES = 8 * 1024 * 1024;
const MAX_PARTS = 1000;

export type MultipartProblem = 'boundary' | 'malformed' | 'truncated' | 'field_too_large' | 'too_many_parts' | 'after_file';

export class MultipartBodyError extends Error {
  constructor(readonly problem: MultipartProblem) {
    super(`multipart body: ${problem}`);
  }
}

export interface StreamedFile {
  name: string;
  stream: ReadableStream<Uint8Array>;
}

export interface MultipartBody {
  fields: Array<[string, string]>;
  file: StreamedFile | null;
  /** Stops reading the request (the action did not read the whole file, or failed). */
  discard: () => Promise<void>;
}

function problemOf(error: MultipartError): MultipartProblem {
  switch (error._tag) {
    case 'InvalidBoundary': return 'boundary';
    case 'EndNotReached': return 'truncated';
    case 'ReachedLimit': return error.limit === 'MaxParts' ? 'too_many_parts' : 'field_too_large';
    default: return 'malformed';
  }
}

/** Reads `body` up to the `upload` file part (or the end); throws MultipartBodyError if the fields are broken. */
export async function readMultipart(contentType: string, body: ReadableStream<Uint8Array>): Promise<MultipartBody> {
  const reader = body.getReader();
  const fields: Array<[string, string]> = [];
  let file: { name: string; chunks: Uint8Array[]; ended: boolean } | null = null;
  let failure: MultipartBodyError | null = null;
  let closed = false; // the closing boundary was read
  let finished = false; // the request body was read to its end or cancelled
  const fail = (problem: MultipartProblem) => { failure ??= new MultipartBodyError(problem); };

  const parser = make({
    headers: { 'content-type': contentType },
    maxParts: MAX_PARTS,
    maxFieldSize: MAX_FIELD_BYTES,
    // A part is a file when it has a filename, whatever its type: ckanapi's fields have none.
    isFile: (info) => info.filename !== undefined,
    onField(info, value) {
      if (file) fail('after_file');
      else fields.push([info.name, decodeField(info, value)]);
    },
    onFile(info) {
      if (file) {
        fail('after_file');
        return () => undefined;
      }
      if (info.name !== UPLOAD_FIELD) return () => undefined;
      const current = { name: info.filename ?? '', chunks: [] as Uint8Array[], ended: false };
      file = current;
      return (chunk) => {
        if (chunk === null) current.ended = true;
        else if (chunk.length > 0) current.chunks.push(chunk);
      };
    },
    onError: (error) => fail(problemOf(error)),
    onDone: () => { closed = true; },
  });

  /** Feeds the parser one chunk of the request. */
  const step = async () => {
    let read;
    try {
      read = await reader.read();
    } catch {
      // The client went away: what came is a cut-off body.
      finished = true;
      return fail('truncated');
    }
    const { done, value } = read;
    if (done) {
      finished = true;
      parser.end();
      if (!closed) fail('truncated');
    } else if (!closed) {
      parser.write(value);
    }
  };
  const discard = async () => {
    if (finished) return;
    finished = true;
    await reader.cancel().catch(() => undefined);
  };

  while (!failure && !file && !closed && !finished) await step();
  // Once the file has begun, a broken rest of the body is the file's failure (reported under `upload`).
  if (!file) {
    if (failure) {
      await discard();
      throw failure;
    }
    return { fields, file: null, discard };
  }

  const streamed: { chunks: Uint8Array[]; ended: boolean } = file;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const chunk = streamed.chunks.shift();
        if (chunk) return controller.enqueue(chunk);
        if (failure) {
          await discard();
          return controller.error(failure);
        }
        // The file ends at its boundary; it is whole only once the closing boundary follows.
        if (streamed.ended && closed) {
          await discard();
          return controller.close();
        }
        await step();
      }
    },
    cancel: discard,
  }, { highWaterMark: 0 });
  return { fields, file: { name: (file as { name: string }).name, stream }, discard };
}
