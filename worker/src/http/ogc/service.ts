// OGC services of an organisation at /maps/{org-slug} (OPenIG's URL shape): one endpoint answering WMS and WFS,
// dispatched on SERVICE (or, when absent, on the REQUEST name). Layers are the organisation's geographic
// resources that the caller may download (can(), as for the files); HTTP Basic logs desktop clients in.
import type { IRequest } from 'itty-router';
import type { Actor } from '../../domain/permissions';
import { OgcParams } from '../../domain/ogc-params';
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
}

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

export async function ogcServiceHandler(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const params = OgcParams.fromUrl(new URL(request.url));
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
  const ogc: OgcContext = { request, env, ctx, params, organization, actor: context.actor, serviceUrl: publicServiceUrl(request) };
  try {
    return service === 'WFS' ? await wfsHandler(ogc) : await wmsHandler(ogc);
  } catch (error) {
    if (error instanceof OgcError) return report(error, error.status === 401 ? BASIC_CHALLENGE : {});
    throw error;
  }
}
