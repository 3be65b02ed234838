// Response helpers shared by the HTTP surfaces. Error messages are for people: French, precise.
export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set('content-type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(body), { ...init, headers });
}

export function problem(status: number, message: string, details: string[] = []): Response {
  return json({ error: { status, message, details } }, { status });
}
