// A real HTTP rebuild hook for the Worker tests: records each call so tests can check the queue → hook path.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    hookUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const calls: { authorization: string | undefined; body: unknown }[] = [];
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/calls') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(calls));
      return;
    }
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const parsed = JSON.parse(body || 'null') as { changeId?: number } | null;
      calls.push({ authorization: req.headers.authorization, body: parsed });
      // Mirrors FAILING_CHANGE_ID in fixtures.ts: lets a test see the consumer's retry path.
      res.statusCode = parsed?.changeId === 999_999 ? 503 : 202;
      res.end('{"accepted":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('hookUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
