// OpenAPI 3.1 description of the edge API (the Worker's paths), in French from the i18n table. Served as
// /openapi.json and rendered as the reference page /docs/api, both static.
import { t, type MessageKey } from '../../worker/src/i18n';
import { LANG, portalName } from './site';

const m = (key: MessageKey, params?: Record<string, string>) => t(LANG, key, params);

export const READ_ACTIONS = [
  'package_search', 'package_list', 'current_package_list_with_resources', 'package_show', 'resource_show',
  'organization_list', 'organization_show', 'group_list', 'group_show', 'tag_list', 'license_list', 'status_show', 'help_show',
] as const;

/** Write actions (a user's API token; ckan-compat §3), each documented as its own POST operation. */
export const WRITE_ACTIONS = [
  'package_create', 'package_update', 'package_patch', 'package_delete', 'resource_create', 'resource_update', 'resource_patch', 'resource_delete',
] as const;
const UPLOAD_ACTIONS: readonly string[] = ['resource_create', 'resource_update', 'resource_patch'];

export interface ApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description: string;
  schema: { type: 'string' | 'integer'; enum?: readonly string[] };
}

export interface ApiOperation {
  tags: string[];
  summary: string;
  description: string;
  operationId: string;
  parameters: ApiParameter[];
  responses: Record<string, { description: string }>;
  security?: Array<Partial<Record<'operatorToken' | 'apiToken' | 'ckanApiKey', []>>>;
  requestBody?: { required: boolean; description: string; content: Record<string, { schema: Record<string, unknown> }> };
  /** Not OpenAPI: an example URL shown on the reference page. */
  'x-example'?: string;
}

const path = (name: string, description: string, schema: ApiParameter['schema'] = { type: 'string' }): ApiParameter =>
  ({ name, in: 'path', required: true, description, schema });
const query = (name: string, description: string, schema: ApiParameter['schema'] = { type: 'string' }): ApiParameter =>
  ({ name, in: 'query', required: false, description, schema });
const responses = (...codes: [string, MessageKey][]) => Object.fromEntries(codes.map(([code, key]) => [code, { description: m(key) }]));

const FORMATS = ['jsonld', 'ttl', 'rdf', 'xml'] as const;

export function openApiDocument(site: string) {
  const action = (operationId: string): ApiOperation => ({
    tags: [m('apiDoc.tag.ckan')],
    summary: '/api/3/action/{name}',
    description: m('apiDoc.op.action', { actions: READ_ACTIONS.join(', ') }),
    operationId,
    parameters: [path('name', m('apiDoc.param.name'), { type: 'string', enum: READ_ACTIONS })],
    responses: responses(['200', 'apiDoc.resp.ok'], ['400', 'apiDoc.resp.badRequest'], ['403', 'apiDoc.resp.forbidden'], ['404', 'apiDoc.resp.notFound'], ['409', 'apiDoc.resp.conflict']),
    'x-example': `${site}/api/3/action/package_search?q=organization:region&rows=20&facet.field=["groups"]`,
  });
  const operator = (operationId: string, summary: string, key: MessageKey): ApiOperation => ({
    tags: [m('apiDoc.tag.operator')], summary, description: m(key), operationId, parameters: [],
    responses: responses(['200', 'apiDoc.resp.ok'], ['403', 'apiDoc.resp.forbidden']), security: [{ operatorToken: [] }],
  });
  const write = (name: (typeof WRITE_ACTIONS)[number]): ApiOperation => {
    const object = { type: 'object', additionalProperties: true };
    const upload = { type: 'object', additionalProperties: true, properties: { upload: { type: 'string', format: 'binary' } } };
    return {
      tags: [m('apiDoc.tag.ckanWrite')],
      summary: `/api/3/action/${name}`,
      description: `${m(`ckan.help.${name}`)} ${m('apiDoc.op.write')}`,
      operationId: `ckan_${name}`,
      parameters: [],
      requestBody: {
        required: true,
        description: m('apiDoc.body.write'),
        content: {
          'application/json': { schema: object },
          'application/x-www-form-urlencoded': { schema: object },
          ...(UPLOAD_ACTIONS.includes(name) ? { 'multipart/form-data': { schema: upload } } : {}),
        },
      },
      responses: responses(['200', 'apiDoc.resp.ok'], ['400', 'apiDoc.resp.badRequest'], ['403', 'apiDoc.resp.writeForbidden'], ['404', 'apiDoc.resp.notFound'], ['409', 'apiDoc.resp.validation']),
      security: [{ apiToken: [] }, { ckanApiKey: [] }],
    };
  };
  const paths: Record<string, Record<string, ApiOperation>> = {
    ...Object.fromEntries(WRITE_ACTIONS.map((name) => [`/api/3/action/${name}`, { post: write(name) }])),
    '/api/3/action/{name}': { get: action('ckanActionGet'), post: action('ckanActionPost') },
    '/api/action/{name}': { get: { ...action('ckanActionGetUnversioned'), summary: '/api/action/{name}' }, post: { ...action('ckanActionPostUnversioned'), summary: '/api/action/{name}' } },
    '/api/3': { get: { tags: [m('apiDoc.tag.ckan')], summary: '/api/3', description: m('apiDoc.op.version'), operationId: 'ckanVersion', parameters: [], responses: responses(['200', 'apiDoc.resp.ok']) } },
    '/catalog.{format}': {
      get: {
        tags: [m('apiDoc.tag.dcat')], summary: '/catalog.{format}', description: m('apiDoc.op.catalog'), operationId: 'dcatCatalog',
        parameters: [path('format', m('apiDoc.param.format'), { type: 'string', enum: FORMATS }), query('page', m('apiDoc.param.page'), { type: 'integer' }),
          query('modified_since', m('apiDoc.param.modifiedSince')), query('q', m('apiDoc.param.q')), query('fq', m('apiDoc.param.fq'))],
        responses: responses(['200', 'apiDoc.resp.ok'], ['400', 'apiDoc.resp.badRequest']),
        'x-example': `${site}/catalog.ttl?modified_since=2025-01-01`,
      },
    },
    '/dataset/{id}': {
      get: {
        tags: [m('apiDoc.tag.dcat')], summary: '/dataset/{id}.{format}', description: m('apiDoc.op.datasetRecord'), operationId: 'dcatDataset',
        parameters: [path('id', m('apiDoc.param.id'))], responses: responses(['200', 'apiDoc.resp.ok'], ['404', 'apiDoc.resp.notFound']),
      },
    },
    '/dataset/{datasetId}/resource/{resourceId}/download/{fileName}': {
      get: {
        tags: [m('apiDoc.tag.files')], summary: '/dataset/{datasetId}/resource/{resourceId}/download/{fileName}', description: m('apiDoc.op.download'), operationId: 'download',
        parameters: [path('datasetId', m('apiDoc.param.datasetId')), path('resourceId', m('apiDoc.param.resourceId')), path('fileName', m('apiDoc.param.fileName'))],
        responses: responses(['200', 'apiDoc.resp.ok'], ['206', 'apiDoc.resp.partial'], ['401', 'apiDoc.resp.unauthorized'], ['403', 'apiDoc.resp.forbidden'], ['404', 'apiDoc.resp.notFound']),
      },
    },
    '/api/files/{path}': {
      get: { tags: [m('apiDoc.tag.files')], summary: '/api/files/{path}', description: m('apiDoc.op.files'), operationId: 'publicFile', parameters: [path('path', m('apiDoc.param.path'))], responses: responses(['200', 'apiDoc.resp.ok'], ['404', 'apiDoc.resp.notFound']) },
    },
    '/api/health': { get: { tags: [m('apiDoc.tag.files')], summary: '/api/health', description: m('apiDoc.op.health'), operationId: 'health', parameters: [], responses: responses(['200', 'apiDoc.resp.ok']) } },
    '/api/internal/catalogue/import': { post: operator('catalogueImport', '/api/internal/catalogue/import', 'apiDoc.op.import') },
    '/api/internal/catalogue/snapshot': { get: operator('catalogueSnapshot', '/api/internal/catalogue/snapshot', 'apiDoc.op.snapshot') },
    '/api/internal/catalogue/status': { get: operator('catalogueStatus', '/api/internal/catalogue/status', 'apiDoc.op.status') },
  };
  return {
    openapi: '3.1.0',
    info: { title: `${m('apiDoc.title')} – ${portalName()}`, version: '1.0.0', description: m('ckan.siteDescription') },
    servers: [{ url: site }],
    tags: [m('apiDoc.tag.ckan'), m('apiDoc.tag.ckanWrite'), m('apiDoc.tag.dcat'), m('apiDoc.tag.files'), m('apiDoc.tag.operator')].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        operatorToken: { type: 'http', scheme: 'bearer' },
        // CKAN clients send the raw token in Authorization (or as Bearer), ckanapi also in X-CKAN-API-Key.
        apiToken: { type: 'apiKey', in: 'header', name: 'Authorization', description: m('apiDoc.security.apiToken') },
        ckanApiKey: { type: 'apiKey', in: 'header', name: 'X-CKAN-API-Key', description: m('apiDoc.security.apiToken') },
      },
    },
  };
}
