// WFS 1.1.0 and 2.0.0 of an organisation: GetCapabilities, DescribeFeatureType, GetFeature (GML 3.1.1 / 3.2 or
// GeoJSON, BBOX and FILTER, srsName, COUNT/MAXFEATURES + STARTINDEX paging, resultType=hits, RESOURCEID/featureid),
// in KVP or, posted in XML, as wfs:Query elements (one filter model for both).
// Axis order follows the CRS name: urn:ogc:def:crs:EPSG::4326 (the advertised default) is lat/lon, EPSG:4326 lon/lat.
import type { Geometry, Position } from 'geojson';
import { crsCode, knownCrs, transformer } from '../../domain/geo-crs';
import { gmlGeometry, mapGeometry, type GmlVersion } from '../../domain/gml';
import { xmlEscape } from '../../domain/ogc-params';
import { compileFilter, FilterError, parseFilter, type CompiledFilter, type Filter, type FilterBox } from '../../domain/wfs-filter';
import type { WfsXmlQuery } from '../../domain/wfs-xml-request';
import {
  GML311_FORMAT, GML32_FORMAT, JSON_FORMAT, urnOf, wfsCapabilities, wfsSchema, type WfsLayer, type WfsService, type WfsVersion,
} from '../../domain/wfs-documents';
import { geometryBox } from '../../domain/flatgeobuf-writer';
import { visibleLayers, type Bbox, type ServedLayer } from '../../store/geo-layers';
import { readFeatures, type LayerFeature } from '../../store/geo-features';
import { OgcError } from './exceptions';
import { refuseHiddenLayer } from './layer-access';
import type { OgcContext } from './service';

const DEFAULT_SRS = 'urn:ogc:def:crs:EPSG::4326';

function negotiateVersion(context: OgcContext): WfsVersion {
  const version = context.params.get('version');
  if (version !== undefined) return version.trim().startsWith('1.') ? '1.1.0' : '2.0.0';
  // AcceptVersions lists what the client reads: answer with the highest we both know.
  const accepted = context.params.get('acceptversions')?.split(',').map((v) => v.trim());
  return !accepted || accepted.includes('2.0.0') || !accepted.some((v) => v.startsWith('1.')) ? '2.0.0' : '1.1.0';
}

/** The XML prefix of the organisation's feature types (an NCName) and its namespace. */
export function wfsService(context: OgcContext): WfsService {
  const slug = context.organization.slug;
  return {
    title: `${context.organization.legalName} – services WMS et WFS`,
    abstract: `Couches géographiques publiées par ${context.organization.legalName}.`,
    url: context.serviceUrl,
    prefix: /^[a-z_]/.test(slug) ? slug : `org_${slug}`,
    namespace: context.serviceUrl.replace(/\?$/, ''),
  };
}

const toWfsLayer = (l: ServedLayer): WfsLayer => ({
  name: l.name, title: l.title, abstract: l.abstract, geometryType: l.geometryType, bbox: l.bbox, fields: l.fields,
});

const xml = (body: string, type = 'application/xml; charset=utf-8') =>
  new Response(body, { headers: { 'content-type': type, 'cache-control': 'no-store' } });

/** Layers named by TYPENAME(S), checked against what the actor may use; refusals say why. */
async function resolveTypes(context: OgcContext, visible: readonly ServedLayer[], names: readonly string[]): Promise<ServedLayer[]> {
  const found: ServedLayer[] = [];
  for (const name of names) {
    const local = name.split(':').pop()!;
    const layer = visible.find((l) => l.name === local);
    if (layer) {
      if (!found.includes(layer)) found.push(layer);
      continue;
    }
    await refuseHiddenLayer(context, local, 'typeName');
    throw new OgcError('InvalidParameterValue', `Type d’objet inconnu : « ${name} ». Consultez GetCapabilities pour la liste des couches.`, 'typeName');
  }
  return found;
}

function nonNegative(context: OgcContext, names: string[]): number | undefined {
  const value = context.params.get(...names);
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value.trim())) throw new OgcError('InvalidParameterValue', `Le paramètre ${names[0]!.toUpperCase()} doit être un entier positif ou nul.`, names[0]);
  return Number(value);
}

interface OutputCrs {
  code: string;
  srsName: string;
  swap: boolean;
  precision: number;
}

/** Whether a CRS name means lat/lon order: the URN and http forms of geographic EPSG codes. */
const latLonOrder = (name: string, code: string) => (code === 'EPSG:4326' || code === 'EPSG:4171') && !/^EPSG:/i.test(name.trim());

function outputCrs(name: string | undefined): OutputCrs {
  const srsName = name?.trim() || DEFAULT_SRS;
  const code = crsCode(srsName);
  if (!code || !knownCrs(code)) throw new OgcError('InvalidParameterValue', `Système de coordonnées non pris en charge : « ${srsName} ».`, 'srsName');
  const geographic = code === 'EPSG:4326' || code === 'EPSG:4171';
  return { code, srsName, swap: latLonOrder(srsName, code), precision: geographic ? 8 : 3 };
}

/** A box given in some CRS (axis order from its name, the layer default when absent) as lon/lat in EPSG:4326. */
function boxTo4326(lower: [number, number], upper: [number, number], srsName: string | null, locator: string): Bbox {
  const name = srsName ?? DEFAULT_SRS;
  const code = crsCode(name);
  if (!code || !knownCrs(code)) throw new OgcError('InvalidParameterValue', `Système de coordonnées de l’emprise non pris en charge : « ${name} ».`, locator);
  const swap = latLonOrder(name, code);
  const [x1, y1] = swap ? [lower[1], lower[0]] : lower;
  const [x2, y2] = swap ? [upper[1], upper[0]] : upper;
  const toWgs = transformer(code, 'EPSG:4326');
  const corners = [[x1, y1], [x2, y1], [x1, y2], [x2, y2]].map((p) => toWgs(p));
  return [Math.min(...corners.map((p) => p[0])), Math.min(...corners.map((p) => p[1])), Math.max(...corners.map((p) => p[0])), Math.max(...corners.map((p) => p[1]))];
}

const intersects = (a: Bbox, b: readonly number[]) => a[0] <= b[2]! && a[2] >= b[0]! && a[1] <= b[3]! && a[3] >= b[1]!;

function bboxParam(value: string | undefined): Bbox | undefined {
  if (!value) return undefined;
  const parts = value.split(',').map((v) => v.trim());
  const numbers = parts.slice(0, 4).map(Number);
  if (parts.length < 4 || parts.length > 5 || numbers.some((n) => !Number.isFinite(n))) {
    throw new OgcError('InvalidParameterValue', 'Le paramètre BBOX attend minx,miny,maxx,maxy suivis éventuellement du système de coordonnées.', 'bbox');
  }
  return boxTo4326([numbers[0]!, numbers[1]!], [numbers[2]!, numbers[3]!], parts[4] ?? null, 'bbox');
}

type Format = { kind: 'gml'; gml: GmlVersion } | { kind: 'json' };

function outputFormat(value: string | undefined, version: WfsVersion): Format {
  const text = (value ?? '').trim().toLowerCase().replace(/\s+/g, '');
  if (text === '') return { kind: 'gml', gml: version === '2.0.0' ? '3.2' : '3.1.1' };
  if (['application/json', 'json', 'geojson', 'application/geo+json', 'application/vnd.geo+json'].includes(text)) return { kind: 'json' };
  if (text.includes('3.2') || text === 'gml32') return { kind: 'gml', gml: '3.2' };
  if (text.includes('3.1') || text === 'gml3' || text === 'text/xml' || text === 'application/gml+xml') return { kind: 'gml', gml: version === '2.0.0' && text === 'application/gml+xml' ? '3.2' : '3.1.1' };
  throw new OgcError('InvalidParameterValue', `Format de sortie non pris en charge : « ${value} ». Formats proposés : ${GML32_FORMAT}, ${GML311_FORMAT}, ${JSON_FORMAT}.`, 'outputFormat');
}

/** Feature ids "layer.N" from RESOURCEID / FEATUREID, grouped by layer name. */
function idsParam(value: string | undefined): Map<string, number[]> | null {
  if (!value) return null;
  const byLayer = new Map<string, number[]>();
  for (const id of value.split(',').map((v) => v.trim()).filter(Boolean)) {
    const match = /^(?:[^:]+:)?(.+)\.(\d+)$/.exec(id);
    if (!match) throw new OgcError('InvalidParameterValue', `Identifiant d’objet invalide : « ${id} » (attendu : couche.numéro).`, 'resourceId');
    byLayer.set(match[1]!, [...(byLayer.get(match[1]!) ?? []), Number(match[2])]);
  }
  return byLayer;
}

export async function wfsHandler(context: OgcContext): Promise<Response> {
  const version = negotiateVersion(context);
  const request = (context.params.get('request') ?? '').toLowerCase();
  const service = wfsService(context);
  const visible = await visibleLayers(context.env.DB, context.actor, context.organization.id);
  switch (request) {
    case 'getcapabilities':
      return xml(wfsCapabilities(version, service, visible.map(toWfsLayer)));
    case 'describefeaturetype': {
      const names = context.params.list('typenames', 'typename');
      const layers = names.length > 0 ? await resolveTypes(context, visible, names) : visible;
      return xml(wfsSchema(version, service, layers.map(toWfsLayer)), 'text/xml; subtype=gml/3.2; charset=utf-8'.replace('3.2', version === '2.0.0' ? '3.2' : '3.1.1'));
    }
    case 'getfeature':
      return getFeature(context, version, service, visible);
    case '':
      throw new OgcError('MissingParameterValue', 'Paramètre REQUEST manquant : GetCapabilities, DescribeFeatureType ou GetFeature.', 'request');
    default:
      throw new OgcError('OperationNotSupported', `Opération WFS non prise en charge : ${context.params.get('request')}.`, 'request');
  }
}

/** One query of a GetFeature: the KVP parameters, or one wfs:Query of an XML request. */
interface FeatureQuery {
  names: string[];
  srsName: string | undefined;
  propertyNames: string[];
  bbox: Bbox | undefined;
  filter: Filter | null;
  ids: Map<string, number[]> | null;
}

function kvpQuery(context: OgcContext): FeatureQuery {
  const p = context.params;
  const ids = idsParam(p.get('resourceid', 'featureid'));
  let names = p.list('typenames', 'typename');
  if (names.length === 0 && ids) names = [...ids.keys()];
  const bbox = bboxParam(p.get('bbox'));
  const filterText = p.get('filter');
  if (bbox && filterText) throw new OgcError('InvalidParameterValue', 'BBOX et FILTER ne peuvent pas être utilisés ensemble : placez l’emprise dans le filtre.', 'bbox');
  let filter: Filter | null = null;
  if (filterText) {
    try {
      filter = parseFilter(filterText);
    } catch (error) {
      if (error instanceof FilterError) throw new OgcError(error.code, error.message, 'filter');
      throw error;
    }
  }
  const propertyNames = p.list('propertyname').filter((n) => n !== '*').map((n) => n.split(':').pop()!);
  return { names, srsName: p.get('srsname'), propertyNames, bbox, filter, ids };
}

const xmlQuery = (q: WfsXmlQuery): FeatureQuery => ({ names: q.typeNames, srsName: q.srsName, propertyNames: q.propertyNames, bbox: undefined, filter: q.filter, ids: null });

/** Compiles a filter for `layers`: boxes converted to lon/lat once, attributes checked against the layers' fields. */
function compileFor(filter: Filter, layers: readonly ServedLayer[]): CompiledFilter {
  const boxCache = new Map<FilterBox, Bbox>();
  let compiled: CompiledFilter;
  try {
    compiled = compileFilter(filter, (box, featureBox) => {
      let wgs = boxCache.get(box);
      if (!wgs) boxCache.set(box, (wgs = boxTo4326(box.lower, box.upper, box.srsName, 'filter')));
      return intersects(wgs, featureBox);
    });
  } catch (error) {
    if (error instanceof FilterError) throw new OgcError(error.code, error.message, 'filter');
    throw error;
  }
  for (const property of compiled.properties) {
    if (!layers.some((l) => l.fields.some((f) => f.name === property))) {
      throw new OgcError('InvalidParameterValue', `Attribut inconnu dans le filtre : « ${property} ».`, 'filter');
    }
  }
  return compiled;
}

async function getFeature(context: OgcContext, version: WfsVersion, service: WfsService, visible: readonly ServedLayer[]): Promise<Response> {
  const p = context.params;
  const queries = context.xmlQueries ? context.xmlQueries.map(xmlQuery) : [kvpQuery(context)];
  const plans: Array<{ query: FeatureQuery; layers: ServedLayer[]; compiled: CompiledFilter | null }> = [];
  for (const query of queries) {
    if (query.names.length === 0) throw new OgcError('MissingParameterValue', 'Paramètre TYPENAMES manquant : indiquez la couche à lire.', 'typeNames');
    const layers = await resolveTypes(context, visible, query.names);
    plans.push({ query, layers, compiled: query.filter ? compileFor(query.filter, layers) : null });
  }
  const format = outputFormat(p.get('outputformat'), version);
  const srsNames = new Set(queries.map((q) => q.srsName?.trim() || DEFAULT_SRS));
  if (srsNames.size > 1) throw new OgcError('InvalidParameterValue', 'Toutes les requêtes wfs:Query doivent demander le même système de coordonnées (srsName).', 'srsName');
  const crs = outputCrs(queries[0]!.srsName);
  const count = nonNegative(context, ['count', 'maxfeatures']);
  let skip = nonNegative(context, ['startindex']) ?? 0;
  const hits = (p.get('resulttype') ?? '').toLowerCase() === 'hits';

  let remaining = hits ? 0 : count ?? Infinity;
  let matched = 0;
  const results: Array<{ layer: ServedLayer; features: LayerFeature[]; keep: (name: string) => boolean }> = [];
  for (const { query, layers, compiled } of plans) {
    const { bbox, ids } = query;
    const test = compiled?.test;
    const filterBox = compiled?.boxes.length === 1 ? boxTo4326(compiled.boxes[0]!.lower, compiled.boxes[0]!.upper, compiled.boxes[0]!.srsName, 'filter') : undefined;
    const wanted = query.propertyNames;
    const keep = (name: string) => wanted.length === 0 || wanted.includes(name);
    for (const layer of layers) {
      const read = await readFeatures(context.env, layer, {
        bbox: bbox ?? filterBox,
        ids: ids ? ids.get(layer.name) ?? [] : undefined,
        filter: (f) => (!bbox || intersects(bbox, geometryBox(f.geometry)))
          && (!test || test(f.properties, geometryBox(f.geometry), `${layer.name}.${f.id}`)),
        offset: skip,
        limit: remaining,
        countAll: true,
      });
      const layerMatched = read.matched ?? 0;
      matched += layerMatched;
      skip = Math.max(0, skip - layerMatched);
      remaining -= read.features.length;
      results.push({ layer, features: read.features, keep });
    }
  }
  const returned = results.reduce((n, r) => n + r.features.length, 0);
  const timeStamp = new Date().toISOString();
  const project = crs.code === 'EPSG:4326' ? null : transformer('EPSG:4326', crs.code);
  const reproject = (g: Geometry): Geometry => (project ? mapGeometry(g, (pos: Position) => project(pos)) : g);

  if (format.kind === 'json' && !hits) {
    const features = results.flatMap(({ layer, features, keep }) => features.map((f) => ({
      type: 'Feature', id: `${layer.name}.${f.id}`, geometry: reproject(f.geometry),
      properties: Object.fromEntries(layer.fields.filter((field) => keep(field.name)).map((field) => [field.name, f.properties[field.name] ?? null])),
    })));
    const body: Record<string, unknown> = { type: 'FeatureCollection', numberMatched: matched, numberReturned: returned, timeStamp };
    if (project) body.crs = { type: 'name', properties: { name: urnOf(crs.code) } };
    body.features = features;
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
  }

  const gml: GmlVersion = format.kind === 'gml' ? format.gml : version === '2.0.0' ? '3.2' : '3.1.1';
  const v2 = version === '2.0.0';
  const describe = `${service.url}SERVICE=WFS&VERSION=${version}&REQUEST=DescribeFeatureType&TYPENAME=${[...new Set(results.map((r) => `${service.prefix}:${r.layer.name}`))].join(',')}`;
  const ns = v2
    ? `xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="${gml === '3.2' ? 'http://www.opengis.net/gml/3.2' : 'http://www.opengis.net/gml'}"`
    : `xmlns:wfs="http://www.opengis.net/wfs" xmlns:gml="${gml === '3.2' ? 'http://www.opengis.net/gml/3.2' : 'http://www.opengis.net/gml'}"`;
  const schemaLocation = `${service.namespace} ${describe} ${v2 ? 'http://www.opengis.net/wfs/2.0 http://schemas.opengis.net/wfs/2.0/wfs.xsd' : 'http://www.opengis.net/wfs http://schemas.opengis.net/wfs/1.1.0/wfs.xsd'}`;
  const counts = v2 ? `numberMatched="${matched}" numberReturned="${returned}"` : `numberOfFeatures="${hits ? matched : returned}"`;
  const open = `<?xml version="1.0" encoding="UTF-8"?>\n<wfs:FeatureCollection ${ns} xmlns:${service.prefix}="${xmlEscape(service.namespace)}" `
    + `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${xmlEscape(schemaLocation)}" ${counts} timeStamp="${timeStamp}">`;
  const member = v2 ? 'wfs:member' : 'gml:featureMember';
  let body = open;
  for (const { layer, features, keep } of results) {
    for (const f of features) {
      const id = `${layer.name}.${f.id}`;
      body += `<${member}><${service.prefix}:${layer.name} gml:id="${id}"><${service.prefix}:geometry>`
        + gmlGeometry(reproject(f.geometry), { version: gml, srsName: crs.srsName, swap: crs.swap, id: `${id}.geom`, precision: crs.precision })
        + `</${service.prefix}:geometry>`;
      for (const field of layer.fields) {
        const value = f.properties[field.name];
        if (value === null || value === undefined || !keep(field.name)) continue;
        body += `<${service.prefix}:${field.name}>${xmlEscape(String(value))}</${service.prefix}:${field.name}>`;
      }
      body += `</${service.prefix}:${layer.name}></${member}>`;
    }
  }
  body += '</wfs:FeatureCollection>\n';
  return xml(body, gml === '3.2' ? 'application/gml+xml; version=3.2; charset=utf-8' : 'text/xml; subtype=gml/3.1.1; charset=utf-8');
}
