// A producer's web server for the URL download and sync tests: files the tests set, failures and redirects on
// demand. The Worker may fetch it only because the test configuration lists it in ALLOW_PRIVATE_FETCH_FOR_TESTS.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    fileServerHost: string;
  }
}

export default async function setup(project: TestProject) {
  const files = new Map<string, { body: Buffer; type: string }>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const name = url.pathname.replace(/^\/(files|control)\//, '');
    if (url.pathname.startsWith('/control/') && req.method === 'PUT') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        files.set(name, { body: Buffer.concat(chunks), type: req.headers['content-type'] ?? 'application/octet-stream' });
        res.end('ok');
      });
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
      if (!file) {
        res.statusCode = 404;
        res.end('absent');
        return;
      }
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
