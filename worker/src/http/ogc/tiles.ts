// Vector tiles of a layer for web developers: /tiles/{layer}/{z}/{x}/{y}.mvt read from the layer's PMTiles archive
// by range, and the archive itself by range at /tiles/{layer}.pmtiles (for pmtiles-aware clients). {layer} is the
// resource id or the layer name. Access is the layer's: can() on the resource download.
import type { IRequest } from 'itty-router';
import { PMTiles, type RangeResponse, type Source } from 'pmtiles';
import type { Env } from '../../env';
import { canUseLayer, findLayerByIdOrName, isServed, type ServedLayer } from '../../store/geo-layers';
import { resolveActor } from '../actor';
import { objectBody, problem } from '../respond';
import { BASIC_CHALLENGE } from './exceptions';

class R2Source implements Source {
  constructor(private readonly bucket: R2Bucket, private readonly key: string) {}
  getKey(): string {
    return this.key;
  }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const object = await this.bucket.get(this.key, { range: { offset, length } });
    if (!object) throw new Error(`archive missing: ${this.key}`);
    return { data: await object.arrayBuffer(), etag: object.etag };
  }
}

// Archives of a layer version never change: their readers (and directory caches) are kept per isolate.
const archives = new Map<string, PMTiles>();

function archive(bucket: R2Bucket, key: string): PMTiles {
  let found = archives.get(key);
  if (!found) {
    if (archives.size >= 64) archives.delete(archives.keys().next().value!);
    archives.set(key, (found = new PMTiles(new R2Source(bucket, key))));
  }
  return found;
}

async function allowedLayer(request: IRequest, env: Env, idOrName: string): Promise<ServedLayer | Response> {
  const layer = await findLayerByIdOrName(env.DB, decodeURIComponent(idOrName));
  if (!layer || !isServed(layer)) return problem(404, 'Couche inconnue : vérifiez son identifiant ou son nom.');
  const actor = await resolveActor(request, env);
  if (!canUseLayer(actor, layer)) {
    if (actor.kind === 'anonymous' && layer.facts.dataset.published) {
      return new Response(JSON.stringify({ error: { status: 401, message: 'Cette couche est réservée : authentifiez-vous (HTTP Basic ou jeton d’API).', details: [] } }),
        { status: 401, headers: { 'content-type': 'application/json; charset=utf-8', ...BASIC_CHALLENGE } });
    }
    return problem(404, 'Couche inconnue : vérifiez son identifiant ou son nom.');
  }
  return layer;
}

const cacheControl = (layer: ServedLayer) => (layer.facts.accessLevel === 'public' ? 'public, max-age=300' : 'private, no-store');

export async function tileHandler(request: IRequest, env: Env): Promise<Response> {
  const { layer: idOrName, z, x, y } = request.params as { layer: string; z: string; x: string; y: string };
  const [zoom, column, row] = [z, x, y.replace(/\.mvt$/, '')].map(Number) as [number, number, number];
  if (![zoom, column, row].every(Number.isInteger) || zoom < 0 || zoom > 24 || column < 0 || row < 0 || column >= 2 ** zoom || row >= 2 ** zoom) {
    return problem(400, 'Coordonnées de tuile invalides : /tiles/{couche}/{z}/{x}/{y}.mvt avec 0 ≤ x, y < 2^z.');
  }
  const found = await allowedLayer(request, env, idOrName);
  if (found instanceof Response) return found;
  const tile = await archive(env.FILES, found.pmtilesKey).getZxy(zoom, column, row);
  const headers = { 'content-type': 'application/vnd.mapbox-vector-tile', 'cache-control': cacheControl(found), 'access-control-allow-origin': '*' };
  // An empty tile (outside the layer or past its zoom levels) is a valid, empty answer.
  return new Response(tile ? tile.data : null, { status: tile ? 200 : 204, headers });
}

export async function archiveHandler(request: IRequest, env: Env): Promise<Response> {
  const idOrName = (request.params as { file: string }).file.replace(/\.pmtiles$/, '');
  const found = await allowedLayer(request, env, idOrName);
  if (found instanceof Response) return found;
  const object = await env.FILES.get(found.pmtilesKey, { range: request.headers, onlyIf: request.headers });
  if (!object) return problem(404, 'Archive de tuiles introuvable.');
  const headers = new Headers({ 'content-type': 'application/vnd.pmtiles', 'accept-ranges': 'bytes', etag: object.httpEtag, 'cache-control': cacheControl(found), 'access-control-allow-origin': '*' });
  if (!('body' in object)) return new Response(null, { status: 304, headers });
  return objectBody(request, object, headers);
}
