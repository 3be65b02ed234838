// Response helpers shared by the HTTP surfaces. Error messages are for people: French, precise.
export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set('content-type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(body), { ...init, headers });
}

export function problem(status: number, message: string, details: string[] = []): Response {
  return json({ error: { status, message, details } }, { status });
}

/** An R2 object's body, whole or the range it was read with (206 with Content-Range). */
export function objectBody(request: Request, object: R2ObjectBody, headers: Headers): Response {
  if (request.headers.has('range') && object.range && 'offset' in object.range) {
    const offset = object.range.offset ?? 0;
    const length = object.range.length ?? object.size - offset;
    headers.set('content-range', `bytes ${offset}-${offset + length - 1}/${object.size}`);
    return new Response(object.body, { status: 206, headers });
  }
  return new Response(object.body, { headers });
}
