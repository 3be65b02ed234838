// OGC services of an organisation at /maps/{org-slug} (OPenIG's URL shape): one endpoint answering WMS and WFS,
// dispatched on SERVICE (or, when absent, on the REQUEST name). Layers are the organisation's geographic
// resources that the caller may download (can(), as for the files); HTTP Basic logs desktop clients in.
// POST carries the same requests: KVP in an application/x-www-form-urlencoded body, or a WFS request in XML.
import type { IRequest } from 'itty-router';
import type { Actor } from '../../domain/permissions';
import { OgcParams } from '../../domain/ogc-params';
import { MAX_XML_REQUEST_CHARS, parseWfsXmlRequest, WfsXmlError, type WfsXmlQuery } from '../../domain/wfs-xml-request';
import type { Env } from '../../env';
import { findOrganizationBySlug, type Organization } from '../../store/geo-layers';
import { requestContext } from '../actor';
import { BASIC_CHALLENGE, OgcError, owsExceptionReport, wmsExceptionReport } from './exceptions';
import { wfsHandler } from './wfs';
import { wmsHandler } from './wms';

export interface OgcContext {
  request: Request;
  env: Env;
  ctx: ExecutionContext;
  params: OgcParams;
  organization: Organization;
  actor: Actor;
  /** Public URL of this endpoint, for capabilities DCP links: ends with '?'. */
  serviceUrl: string;
  /** The wfs:Query elements of a GetFeature posted in XML (absent for KVP requests). */
  xmlQueries?: WfsXmlQuery[];
}

/** POST bodies larger than this are refused before parsing (an XML request is at most MAX_XML_REQUEST_CHARS). */
export const MAX_POST_BYTES = 2 * MAX_XML_REQUEST_CHARS;

const WMS_REQUESTS = new Set(['getmap', 'getfeatureinfo', 'getlegendgraphic', 'getstyles']);
const WFS_REQUESTS = new Set(['getfeature', 'describefeaturetype', 'getpropertyvalue', 'liststoredqueries', 'describestoredqueries']);

/** The externally reachable URL of the request, honouring a reverse proxy's X-Forwarded-Proto/Host. */
export function publicServiceUrl(request: Request): string {
  const url = new URL(request.url);
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  if (proto === 'http' || proto === 'https') url.protocol = `${proto}:`;
  if (host && /^[A-Za-z0-9.-]+(:\d+)?$/.test(host)) url.host = host;
  return `${url.origin}${url.pathname}?`;
}

function serviceOf(params: OgcParams): 'WMS' | 'WFS' | null {
  const service = params.get('service')?.toUpperCase();
  if (service === 'WMS' || service === 'WFS') return service;
  if (service) return null;
  const request = params.get('request')?.toLowerCase() ?? '';
  if (WFS_REQUESTS.has(request)) return 'WFS';
  // QGIS asks for WMS capabilities with SERVICE; a bare URL (or GetMap without SERVICE) is WMS.
  return WMS_REQUESTS.has(request) || request === '' || request === 'getcapabilities' ? 'WMS' : null;
}

/** The body as text, refused past MAX_POST_BYTES whether or not Content-Length announced it. */
async function readBody(request: Request): Promise<string> {
  const tooLarge = () => new OgcError('NoApplicableCode', `Le corps de la requête dépasse ${MAX_POST_BYTES / 1_000_000} Mo.`, undefined, 413);
  if (Number(request.headers.get('content-length') ?? 0) > MAX_POST_BYTES) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_POST_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

interface ParsedRequest {
  params: OgcParams;
  xmlQueries?: WfsXmlQuery[];
}

/** Parameters of a GET, or of a POST (body values first, then the URL's). */
async function parseRequest(request: Request): Promise<ParsedRequest> {
  const url = new URL(request.url);
  if (request.method !== 'POST') return { params: OgcParams.fromUrl(url) };
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/')) {
    throw new OgcError('InvalidParameterValue', 'Corps de requête non pris en charge : envoyez une requête WFS en XML (text/xml) ou des paramètres application/x-www-form-urlencoded.');
  }
  const body = await readBody(request);
  // Form-encoded KVP, declared or not (OWSLib posts WMS parameters without a Content-Type); XML otherwise.
  const xml = type.includes('xml') || (!type.startsWith('application/x-www-form-urlencoded') && body.trimStart().startsWith('<'));
  if (!xml) return { params: new OgcParams([...new URLSearchParams(body), ...url.searchParams]) };
  try {
    const xml = parseWfsXmlRequest(body);
    return { params: new OgcParams([...xml.params, ...url.searchParams]), xmlQueries: xml.params[0]![1] === 'GetFeature' ? xml.queries : undefined };
  } catch (error) {
    if (error instanceof WfsXmlError) throw new OgcError(error.code, error.message, error.locator);
    throw error;
  }
}

export async function ogcServiceHandler(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  let parsed: ParsedRequest;
  try {
    parsed = await parseRequest(request);
  } catch (error) {
    // An unreadable POST: the service is not known yet; WFS is the one that takes XML.
    if (error instanceof OgcError) return owsExceptionReport('2.0.0', error);
    throw error;
  }
  const { params } = parsed;
  const service = serviceOf(params);
  const version = params.get('version', 'acceptversions')?.split(',')[0]?.trim() ?? '';
  const report = (error: OgcError, headers: Record<string, string> = {}) =>
    service === 'WMS' ? wmsExceptionReport(version || '1.3.0', error, headers) : owsExceptionReport(version || '2.0.0', error, headers);
  const context = await requestContext(request, env, ctx);
  if (context.invalidToken) {
    return report(new OgcError('NoApplicableCode', 'Identifiants refusés : vérifiez le nom d’utilisateur et le mot de passe (ou le jeton d’API).', undefined, 401), BASIC_CHALLENGE);
  }
  const organization = await findOrganizationBySlug(env.DB, decodeURIComponent((request.params as { org: string }).org));
  if (!organization) {
    return report(new OgcError('InvalidParameterValue', 'Organisation inconnue : vérifiez l’identifiant de l’organisation dans l’adresse du service.', undefined, 404));
  }
  if (!service) {
    return report(new OgcError('InvalidParameterValue', 'Paramètre SERVICE inconnu : utilisez SERVICE=WMS ou SERVICE=WFS.', 'service'));
  }
  const ogc: OgcContext = {
    request, env, ctx, params, organization, actor: context.actor, serviceUrl: publicServiceUrl(request), xmlQueries: parsed.xmlQueries,
  };
  try {
    return service === 'WFS' ? await wfsHandler(ogc) : await wmsHandler(ogc);
  } catch (error) {
    if (error instanceof OgcError) return report(error, error.status === 401 ? BASIC_CHALLENGE : {});
    throw error;
  }
}
