// A producer's web server for the URL download and sync tests: files the tests set, failures and redirects on
// demand. The Worker may fetch it only because the test configuration lists it in ALLOW_PRIVATE_FETCH_FOR_TESTS.
// Like nginx it sends an ETag and a Last-Modified and answers conditional GETs with 304 (RFC 9110 §13.2.2); a file
// can set its own validators, have none, or ignore conditional requests. Each GET of a file is logged for the tests.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    fileServerHost: string;
  }
}

interface ServedFile {
  body: Buffer;
  type: string;
  etag: string | null;
  lastModified: string | null;
  ignoreConditional: boolean;
}

/** Weak comparison of an If-None-Match list with the file's ETag (RFC 9110 §8.8.3.2). */
function noneMatchHits(header: string, etag: string | null): boolean {
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return etag !== null && header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

function notModified(req: IncomingMessage, file: ServedFile): boolean {
  if (file.ignoreConditional) return false;
  const noneMatch = req.headers['if-none-match'];
  if (noneMatch !== undefined) return noneMatchHits(noneMatch, file.etag);
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return file.lastModified !== null && !Number.isNaN(since) && Date.parse(file.lastModified) <= since;
}

export default async function setup(project: TestProject) {
  const files = new Map<string, ServedFile>();
  const requests = new Map<string, { ifNoneMatch: string | null; ifModifiedSince: string | null; status: number }[]>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const name = url.pathname.replace(/^\/(files|control|requests)\//, '');
    // PUT /control/<name>: the file; x-etag / x-last-modified set its validators ("none": not sent, default: like
    // nginx, from the content and the time of the PUT); x-conditional: ignore answers 200 whatever the request asks.
    if (url.pathname.startsWith('/control/') && req.method === 'PUT') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const header = (h: string, fallback: string) => {
          const value = req.headers[h] as string | undefined;
          return value === 'none' ? null : value ?? fallback;
        };
        files.set(name, {
          body, type: req.headers['content-type'] ?? 'application/octet-stream',
          etag: header('x-etag', `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`),
          lastModified: header('x-last-modified', new Date().toUTCString()),
          ignoreConditional: req.headers['x-conditional'] === 'ignore',
        });
        res.end('ok');
      });
      return;
    }
    if (url.pathname.startsWith('/requests/')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(requests.get(name) ?? []));
      return;
    }
    if (url.pathname.startsWith('/control/') && req.method === 'DELETE') {
      files.delete(name);
      res.end('ok');
      return;
    }
    // The demo catalogue's real files, for format detection through the real upload path.
    if (url.pathname.startsWith('/demo/')) {
      try {
        res.end(readFileSync(resolve(import.meta.dirname, '../../content/demo/files', decodeURIComponent(url.pathname.slice(6)).replace(/\.\./g, ''))));
      } catch {
        res.statusCode = 404;
        res.end();
      }
      return;
    }
    if (url.pathname === '/redirect') {
      res.statusCode = 302;
      res.setHeader('location', url.searchParams.get('to') ?? '/');
      res.end();
      return;
    }
    if (url.pathname.startsWith('/files/')) {
      const file = files.get(name);
      const log = (status: number) => requests.set(name, [...requests.get(name) ?? [],
        { ifNoneMatch: req.headers['if-none-match'] ?? null, ifModifiedSince: req.headers['if-modified-since'] ?? null, status }]);
      if (!file) {
        log(404);
        res.statusCode = 404;
        res.end('absent');
        return;
      }
      if (file.etag) res.setHeader('etag', file.etag);
      if (file.lastModified) res.setHeader('last-modified', file.lastModified);
      if (notModified(req, file)) {
        log(304);
        res.statusCode = 304;
        res.end();
        return;
      }
      log(200);
      res.setHeader('content-type', file.type);
      res.end(file.body);
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('fileServerHost', `127.0.0.1:${(server.address() as AddressInfo).port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
