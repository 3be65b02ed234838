// WMS 1.1.1 / 1.3.0 of an organisation (GetCapabilities, GetMap, GetFeatureInfo, GetLegendGraphic), following what
// GDAL, OWSLib and QGIS send (../shared/docs/ogc-clients.md): any parameter case, X/Y in 1.3.0 too, vendor
// parameters ignored, lat/lon boxes for EPSG:4326 in 1.3.0 only, public DCP URLs. GetMap takes an SLD in SLD_BODY
// (also as a form-encoded POST, for long documents); SLD= by URL is refused: the portal fetches nothing remote.
import type { Feature, Geometry } from 'geojson';
import { xmlEscape } from '../../domain/ogc-params';
import { boxFromWgs84, boxToWgs84, isLatLonAxis, parseCrs, WMS_CRS, type Box, type WmsCrs } from '../../domain/map-projection';
import { hitsPixel, renderLegendSvg, renderSvg, type MapFrame, type MapLayer } from '../../domain/render-map';
import { importSldLayers, type SldLayerStyle } from '../../domain/sld';
import { defaultStyle, geometryKindOf, type Style } from '../../domain/style';
import { t, type MessageKey } from '../../i18n';
import { readFeatures, type LayerFeature } from '../../store/geo-features';
import { visibleLayers, type ServedLayer } from '../../store/geo-layers';
import { savedStyles } from '../../store/layer-styles';
import { OgcError } from './exceptions';
import { refuseHiddenLayer } from './layer-access';
import { pngFromSvg } from './resvg';
import type { OgcContext } from './service';

export const MAX_SIZE = 4096;
const STYLE_NAME = 'default';
const INFO_FORMATS = ['text/html', 'application/json', 'application/geo+json', 'application/vnd.ogc.gml', 'text/xml', 'text/plain'] as const;

type Version = '1.1.1' | '1.3.0';

/** Version negotiation: 1.1.x asks get 1.1.1, anything else (or nothing, as QGIS sends) 1.3.0. */
function versionOf(value: string | undefined): Version {
  return value?.trim().startsWith('1.1') ? '1.1.1' : '1.3.0';
}

export async function wmsHandler(context: OgcContext): Promise<Response> {
  const { params } = context;
  const version = versionOf(params.get('version', 'wmtver'));
  const operation = (params.get('request') ?? 'GetCapabilities').toLowerCase();
  switch (operation) {
    case 'getcapabilities':
    case 'capabilities':
      return capabilities(context, version);
    case 'getmap':
    case 'map':
      return getMap(context, version);
    case 'getfeatureinfo':
    case 'feature_info':
      return getFeatureInfo(context, version);
    case 'getlegendgraphic':
      return getLegendGraphic(context);
    default:
      throw new OgcError('OperationNotSupported', `Opération WMS inconnue : « ${params.get('request')} ». Opérations disponibles : GetCapabilities, GetMap, GetFeatureInfo, GetLegendGraphic.`, 'request');
  }
}

interface StyledLayer {
  layer: ServedLayer;
  style: Style;
}

async function styledLayers(context: OgcContext): Promise<StyledLayer[]> {
  const layers = await visibleLayers(context.env.DB, context.actor, context.organization.id);
  const styles = await savedStyles(context.env.DB, layers.map((l) => l.resourceId));
  return layers.map((layer) => ({ layer, style: styles.get(layer.resourceId) ?? defaultStyle(geometryKindOf(layer.geometryType)) }));
}

/** Layers named in `names`, in that order; the organisation's WFS prefix (`org:name`) is accepted too. */
async function pick(context: OgcContext, all: StyledLayer[], names: string[], locator: string): Promise<StyledLayer[]> {
  if (names.length === 0) throw new OgcError('MissingParameterValue', `Paramètre ${locator.toUpperCase()} manquant : indiquez au moins une couche.`, locator);
  const prefix = `${context.organization.slug}:`;
  const picked: StyledLayer[] = [];
  for (const raw of names) {
    const name = raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
    const found = all.find((s) => s.layer.name === name);
    if (!found) {
      await refuseHiddenLayer(context, name, locator);
      throw new OgcError('LayerNotDefined', `Couche inconnue : « ${raw} ». Consultez la liste des couches dans GetCapabilities.`, locator);
    }
    picked.push(found);
  }
  return picked;
}

const num = (n: number) => String(Math.round(n * 1e8) / 1e8);

function capabilitiesLayer(context: OgcContext, version: Version, { layer, style }: StyledLayer): string {
  const [w, s, e, n] = layer.bbox;
  const boxes = WMS_CRS.filter((crs) => version === '1.3.0' || crs !== 'CRS:84').map((crs) => {
    const [minx, miny, maxx, maxy] = crs === 'CRS:84' || crs === 'EPSG:4326' || crs === 'EPSG:4171' ? layer.bbox : boxFromWgs84(layer.bbox, crs);
    const latLon = isLatLonAxis(crs, version);
    const [a, b, c, d] = latLon ? [miny, minx, maxy, maxx] : [minx, miny, maxx, maxy];
    return `<BoundingBox ${version === '1.3.0' ? 'CRS' : 'SRS'}="${crs}" minx="${num(a)}" miny="${num(b)}" maxx="${num(c)}" maxy="${num(d)}"/>`;
  });
  const geographic = version === '1.3.0'
    ? `<EX_GeographicBoundingBox><westBoundLongitude>${num(w)}</westBoundLongitude><eastBoundLongitude>${num(e)}</eastBoundLongitude><southBoundLatitude>${num(s)}</southBoundLatitude><northBoundLatitude>${num(n)}</northBoundLatitude></EX_GeographicBoundingBox>`
    : `<LatLonBoundingBox minx="${num(w)}" miny="${num(s)}" maxx="${num(e)}" maxy="${num(n)}"/>`;
  const legend = renderLegendSvg(style, geometryKindOf(layer.geometryType));
  const legendUrl = `${context.serviceUrl}SERVICE=WMS&amp;VERSION=${version}&amp;REQUEST=GetLegendGraphic&amp;LAYER=${encodeURIComponent(layer.name)}&amp;FORMAT=image/png&amp;STYLE=${STYLE_NAME}`;
  return `<Layer queryable="1" opaque="0">
<Name>${xmlEscape(layer.name)}</Name><Title>${xmlEscape(layer.title)}</Title><Abstract>${xmlEscape(layer.abstract)}</Abstract>
${geographic}
${boxes.join('\n')}
<Style><Name>${STYLE_NAME}</Name><Title>${xmlEscape(style.name)}</Title><LegendURL width="${legend.width}" height="${legend.height}"><Format>image/png</Format><OnlineResource xmlns:xlink="http://www.w3.org/1999/xlink" xlink:type="simple" xlink:href="${legendUrl}"/></LegendURL></Style>
</Layer>`;
}

async function capabilities(context: OgcContext, version: Version): Promise<Response> {
  const layers = await styledLayers(context);
  const href = xmlEscape(context.serviceUrl);
  const online = `<OnlineResource xlink:type="simple" xlink:href="${href}"/>`;
  const dcp = `<DCPType><HTTP><Get>${online}</Get></HTTP></DCPType>`;
  // GetMap also answers a form-encoded POST (an SLD_BODY too long for a URL).
  const mapDcp = `<DCPType><HTTP><Get>${online}</Get><Post><OnlineResource xlink:type="simple" xlink:href="${xmlEscape(context.serviceUrl.replace(/\?$/, ''))}"/></Post></HTTP></DCPType>`;
  const org = context.organization;
  const union: Box = layers.length
    ? layers.reduce<Box>((u, { layer: { bbox: b } }) => [Math.min(u[0], b[0]), Math.min(u[1], b[1]), Math.max(u[2], b[2]), Math.max(u[3], b[3])], [Infinity, Infinity, -Infinity, -Infinity])
    : [-180, -90, 180, 90];
  const crsList = WMS_CRS.filter((crs) => version === '1.3.0' || crs !== 'CRS:84').map((crs) => (version === '1.3.0' ? `<CRS>${crs}</CRS>` : `<SRS>${crs}</SRS>`)).join('');
  const [w, s, e, n] = union;
  const rootBox = version === '1.3.0'
    ? `<EX_GeographicBoundingBox><westBoundLongitude>${num(w)}</westBoundLongitude><eastBoundLongitude>${num(e)}</eastBoundLongitude><southBoundLatitude>${num(s)}</southBoundLatitude><northBoundLatitude>${num(n)}</northBoundLatitude></EX_GeographicBoundingBox><BoundingBox CRS="CRS:84" minx="${num(w)}" miny="${num(s)}" maxx="${num(e)}" maxy="${num(n)}"/>`
    : `<LatLonBoundingBox minx="${num(w)}" miny="${num(s)}" maxx="${num(e)}" maxy="${num(n)}"/>`;
  const infoFormats = INFO_FORMATS.map((f) => `<Format>${f}</Format>`).join('');
  const service = `<Service><Name>${version === '1.3.0' ? 'WMS' : 'OGC:WMS'}</Name><Title>${xmlEscape(org.legalName)}</Title><Abstract>${xmlEscape(org.description)}</Abstract>${online}<Fees>none</Fees><AccessConstraints>none</AccessConstraints>${version === '1.3.0' ? `<MaxWidth>${MAX_SIZE}</MaxWidth><MaxHeight>${MAX_SIZE}</MaxHeight>` : ''}</Service>`;
  const capsFormat = version === '1.3.0' ? 'text/xml' : 'application/vnd.ogc.wms_xml';
  const exceptions = version === '1.3.0'
    ? '<Format>XML</Format><Format>INIMAGE</Format><Format>BLANK</Format>'
    : '<Format>application/vnd.ogc.se_xml</Format><Format>application/vnd.ogc.se_inimage</Format><Format>application/vnd.ogc.se_blank</Format>';
  const body = `<Capability>
<Request>
<GetCapabilities><Format>${capsFormat}</Format>${dcp}</GetCapabilities>
<GetMap><Format>image/png</Format>${mapDcp}</GetMap>
<GetFeatureInfo>${infoFormats}${dcp}</GetFeatureInfo>
</Request>
<Exception>${exceptions}</Exception>
${version === '1.3.0' ? '' : '<UserDefinedSymbolization SupportSLD="1" UserLayer="0" UserStyle="1" RemoteWFS="0"/>'}
<Layer><Title>${xmlEscape(org.legalName)}</Title>${crsList}${rootBox}
${layers.map((l) => capabilitiesLayer(context, version, l)).join('\n')}
</Layer>
</Capability>`;
  const xml = version === '1.3.0'
    ? `<?xml version="1.0" encoding="UTF-8"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.opengis.net/wms http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd">
${service}
${body}
</WMS_Capabilities>
`
    : `<?xml version="1.0" encoding="UTF-8"?>
<WMT_MS_Capabilities version="1.1.1" xmlns:xlink="http://www.w3.org/1999/xlink">
${service}
${body}
</WMT_MS_Capabilities>
`;
  return new Response(xml, {
    headers: { 'content-type': version === '1.3.0' ? 'text/xml; charset=utf-8' : 'application/vnd.ogc.wms_xml; charset=utf-8', 'cache-control': 'no-store' },
  });
}

interface MapRequest {
  frame: MapFrame;
  layers: StyledLayer[];
  transparent: boolean;
  background: string;
}

function integer(value: string | undefined, name: string): number {
  if (value === undefined || value.trim() === '') throw new OgcError('MissingParameterValue', `Paramètre ${name} manquant.`, name.toLowerCase());
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SIZE) throw new OgcError('InvalidParameterValue', `${name} doit être un entier de 1 à ${MAX_SIZE} (reçu « ${value.slice(0, 20)} »).`, name.toLowerCase());
  return n;
}

function parseBackground(value: string | undefined): string {
  if (!value) return '#ffffff';
  const m = /^(?:0x|#)([0-9a-f]{6})$/i.exec(value.trim());
  if (!m) throw new OgcError('InvalidParameterValue', `BGCOLOR doit être de la forme 0xRRVVBB (reçu « ${value.slice(0, 20)} »).`, 'bgcolor');
  return `#${m[1]!.toLowerCase()}`;
}

/** The NamedLayers of SLD_BODY (null without one); SLD= by URL is refused, as nothing remote is fetched. */
function sldLayers(context: OgcContext): SldLayerStyle[] | null {
  const { params } = context;
  if (params.get('sld')?.trim()) {
    throw new OgcError('InvalidParameterValue', 'Le paramètre SLD (un SLD donné par son adresse) n’est pas pris en charge : le service ne télécharge aucun document distant. Envoyez le SLD lui-même dans SLD_BODY (en POST application/x-www-form-urlencoded s’il est long).', 'sld');
  }
  const body = params.get('sld_body');
  if (body === undefined || body.trim() === '') return null;
  const result = importSldLayers(body);
  if (!result.ok) throw new OgcError('InvalidParameterValue', `SLD_BODY invalide : ${t('fr', result.problem.key as MessageKey, result.problem.params)}`, 'sld_body');
  return result.layers;
}

/** A style name of STYLES or an SLD NamedStyle: empty, "default" or the saved style's name. */
function checkStyleName(wanted: string, { layer, style }: StyledLayer, locator: string): void {
  if (wanted && wanted !== STYLE_NAME && wanted !== style.name) {
    throw new OgcError('StyleNotDefined', `Style inconnu pour la couche « ${layer.name} » : « ${wanted} ». Styles disponibles : ${STYLE_NAME}.`, locator);
  }
}

/** The GetMap parameters shared by GetMap and GetFeatureInfo. */
async function mapRequest(context: OgcContext, version: Version, layerParam: 'layers' | 'query_layers'): Promise<MapRequest> {
  const { params } = context;
  const all = await styledLayers(context);
  const sld = layerParam === 'layers' ? sldLayers(context) : null;
  // With SLD_BODY and no LAYERS, the SLD's NamedLayers are the layers drawn (SLD 1.0, WMS profile).
  const names = params.list(layerParam);
  const picked = await pick(context, all, names.length === 0 && sld ? sld.map((l) => l.layerName) : names, layerParam);
  const prefix = `${context.organization.slug}:`;
  const sldFor = (name: string) => sld?.find((l) => (l.layerName.startsWith(prefix) ? l.layerName.slice(prefix.length) : l.layerName) === name);
  const styles = params.get('styles')?.split(',') ?? [];
  const layers = picked.map((styled, i): StyledLayer => {
    const fromSld = sldFor(styled.layer.name);
    if (fromSld?.style) return { layer: styled.layer, style: fromSld.style };
    if (fromSld) checkStyleName(fromSld.namedStyle?.trim() ?? '', styled, 'sld_body');
    else if (layerParam === 'layers') checkStyleName(styles[i]?.trim() ?? '', styled, 'styles');
    return styled;
  });
  const crsName = version === '1.3.0' ? 'CRS' : 'SRS';
  const crsValue = params.get(crsName, version === '1.3.0' ? 'srs' : 'crs');
  if (!crsValue) throw new OgcError('MissingParameterValue', `Paramètre ${crsName} manquant.`, crsName.toLowerCase());
  const crs = parseCrs(crsValue);
  if (!crs) {
    throw new OgcError(version === '1.3.0' ? 'InvalidCRS' : 'InvalidSRS', `Système de coordonnées non proposé : « ${crsValue.slice(0, 60)} ». Proposés : ${WMS_CRS.join(', ')}.`, crsName.toLowerCase());
  }
  const bboxValue = params.get('bbox');
  if (!bboxValue) throw new OgcError('MissingParameterValue', 'Paramètre BBOX manquant.', 'bbox');
  const values = bboxValue.split(',').slice(0, 4).map(Number);
  if (values.length !== 4 || values.some((v) => !Number.isFinite(v))) {
    throw new OgcError('InvalidParameterValue', `BBOX doit compter quatre nombres séparés par des virgules (reçu « ${bboxValue.slice(0, 80)} »).`, 'bbox');
  }
  const [a, b, c, d] = values as Box;
  const bbox: Box = isLatLonAxis(crs, version) ? [b, a, d, c] : [a, b, c, d];
  if (bbox[0] >= bbox[2] || bbox[1] >= bbox[3]) throw new OgcError('InvalidParameterValue', 'BBOX : le minimum doit être inférieur au maximum sur chaque axe.', 'bbox');
  const width = integer(params.get('width'), 'WIDTH');
  const height = integer(params.get('height'), 'HEIGHT');
  const format = (params.get('format') ?? 'image/png').toLowerCase();
  if (layerParam === 'layers' && !format.startsWith('image/png') && format !== 'png') {
    throw new OgcError('InvalidFormat', `Format d’image non proposé : « ${format.slice(0, 40)} ». Utilisez image/png.`, 'format');
  }
  return {
    frame: { bbox, crs, width, height },
    layers,
    transparent: (params.get('transparent') ?? 'false').toLowerCase() === 'true',
    background: parseBackground(params.get('bgcolor')),
  };
}

/** Features of a layer whose box meets `box` (CRS units, x/y order). */
async function featuresIn(context: OgcContext, layer: ServedLayer, box: Box, crs: WmsCrs): Promise<LayerFeature[]> {
  const wgs84 = boxToWgs84(box, crs);
  const [lb0, lb1, lb2, lb3] = layer.bbox;
  if (wgs84[2] < lb0 || wgs84[0] > lb2 || wgs84[3] < lb1 || wgs84[1] > lb3) return [];
  return (await readFeatures(context.env, layer, { bbox: wgs84 })).features;
}

/** The frame's box widened by `px` pixels (symbols and labels of features just outside still show). */
function widened(frame: MapFrame, px: number): Box {
  const [minx, miny, maxx, maxy] = frame.bbox;
  const mx = ((maxx - minx) / frame.width) * px;
  const my = ((maxy - miny) / frame.height) * px;
  return [minx - mx, miny - my, maxx + mx, maxy + my];
}

function exceptionsMode(context: OgcContext): 'xml' | 'inimage' | 'blank' {
  const value = (context.params.get('exceptions') ?? '').toLowerCase();
  if (value.endsWith('inimage')) return 'inimage';
  if (value.endsWith('blank')) return 'blank';
  return 'xml';
}

function pngResponse(png: Uint8Array, layers: readonly StyledLayer[]): Response {
  const restricted = layers.some((l) => l.layer.facts.accessLevel !== 'public');
  return new Response(png, {
    headers: { 'content-type': 'image/png', 'cache-control': restricted ? 'private, no-store' : 'public, max-age=300' },
  });
}

async function getMap(context: OgcContext, version: Version): Promise<Response> {
  let request: MapRequest | null = null;
  try {
    request = await mapRequest(context, version, 'layers');
    const current = request;
    const mapLayers: MapLayer[] = await Promise.all(current.layers.map(async ({ layer, style }) => ({
      features: await featuresIn(context, layer, widened(current.frame, 32), current.frame.crs),
      style,
    })));
    const svg = renderSvg(current.frame, mapLayers, { background: current.transparent ? null : current.background });
    return pngResponse(await pngFromSvg(svg), current.layers);
  } catch (error) {
    // INIMAGE / BLANK: the client asked for the error as an image of the requested size.
    const mode = exceptionsMode(context);
    if (!(error instanceof OgcError) || mode === 'xml') throw error;
    const width = Math.min(MAX_SIZE, Math.max(1, Number(context.params.get('width')) || 256));
    const height = Math.min(MAX_SIZE, Math.max(1, Number(context.params.get('height')) || 256));
    const transparent = (context.params.get('transparent') ?? '').toLowerCase() === 'true';
    const background = transparent ? '' : `<rect width="100%" height="100%" fill="#ffffff"/>`;
    const text = mode === 'inimage' ? `<text x="8" y="20" font-family="Inter" font-size="12" fill="#b00020">${xmlEscape(error.message)}</text>` : '';
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${background}${text}</svg>`;
    return pngResponse(await pngFromSvg(svg), request?.layers ?? []);
  }
}

function pixelParam(context: OgcContext, version: Version, axis: 'x' | 'y', size: number): number {
  // GDAL sends X/Y even in 1.3.0; 1.3.0 clients send I/J.
  const names = axis === 'x' ? (version === '1.3.0' ? ['i', 'x'] : ['x', 'i']) : (version === '1.3.0' ? ['j', 'y'] : ['y', 'j']);
  const value = context.params.get(...names);
  const label = (version === '1.3.0' ? (axis === 'x' ? 'I' : 'J') : axis.toUpperCase());
  if (value === undefined || value.trim() === '') throw new OgcError('MissingParameterValue', `Paramètre ${label} manquant : la position du clic en pixels.`, label.toLowerCase());
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n >= size) {
    throw new OgcError(version === '1.3.0' ? 'InvalidPoint' : 'InvalidParameterValue', `${label} doit être un pixel de l’image (0 à ${size - 1}, reçu « ${value.slice(0, 20)} »).`, label.toLowerCase());
  }
  return n;
}

interface InfoHit {
  layer: ServedLayer;
  features: LayerFeature[];
}

async function getFeatureInfo(context: OgcContext, version: Version): Promise<Response> {
  const request = await mapRequest(context, version, 'query_layers');
  const { frame } = request;
  const x = pixelParam(context, version, 'x', frame.width);
  const y = pixelParam(context, version, 'y', frame.height);
  const format = (context.params.get('info_format') ?? 'text/html').toLowerCase().split(';')[0]!.trim();
  if (!(INFO_FORMATS as readonly string[]).includes(format) && format !== 'application/vnd.ogc.gml/3.1.1' && format !== 'gml') {
    throw new OgcError('InvalidFormat', `INFO_FORMAT non proposé : « ${format.slice(0, 40)} ». Proposés : ${INFO_FORMATS.join(', ')}.`, 'info_format');
  }
  const countValue = context.params.get('feature_count');
  const featureCount = countValue ? Math.max(1, Math.min(50, Number.parseInt(countValue, 10) || 1)) : 1;
  const tolerance = 4;
  const hits: InfoHit[] = [];
  for (const { layer } of request.layers) {
    const [minx, , , maxy] = frame.bbox;
    const rx = (frame.bbox[2] - minx) / frame.width;
    const ry = (maxy - frame.bbox[1]) / frame.height;
    const near: Box = [minx + (x - tolerance) * rx, maxy - (y + tolerance + 1) * ry, minx + (x + tolerance + 1) * rx, maxy - (y - tolerance) * ry];
    const candidates = await featuresIn(context, layer, near, frame.crs);
    // Topmost first: features drawn last are on top.
    const under = candidates.filter((f) => f.geometry && hitsPixel(f.geometry, frame, [x + 0.5, y + 0.5], tolerance)).reverse().slice(0, featureCount);
    hits.push({ layer, features: under });
  }
  return infoResponse(format, hits, frame.crs);
}

function infoResponse(format: string, hits: InfoHit[], crs: WmsCrs): Response {
  const headers = { 'cache-control': 'no-store' };
  if (format === 'application/json' || format === 'application/geo+json') {
    const features = hits.flatMap(({ layer, features }) => features.map((f) => ({ type: 'Feature', id: `${layer.name}.${f.id}`, layer: layer.name, properties: f.properties, geometry: f.geometry })));
    return new Response(JSON.stringify({ type: 'FeatureCollection', features }), { headers: { ...headers, 'content-type': 'application/json; charset=utf-8' } });
  }
  if (format === 'text/html') {
    const esc = (v: unknown) => xmlEscape(v === null || v === undefined ? '' : String(v));
    const tables = hits.filter((h) => h.features.length).map(({ layer, features }) => {
      const fields = layer.fields.map((f) => f.name);
      return `<table><caption>${esc(layer.title)}</caption><thead><tr>${fields.map((f) => `<th scope="col">${esc(f)}</th>`).join('')}</tr></thead><tbody>${features
        .map((f) => `<tr>${fields.map((name) => `<td>${esc(f.properties[name])}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
    });
    const body = tables.length ? tables.join('\n') : '<p>Aucun objet à cet endroit.</p>';
    return new Response(`<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>Informations</title></head><body>${body}</body></html>\n`, {
      headers: { ...headers, 'content-type': 'text/html; charset=utf-8' },
    });
  }
  if (format === 'text/plain') {
    const lines = hits.flatMap(({ layer, features }) => [`Couche « ${layer.name} » : ${features.length} objet(s)`, ...features.flatMap((f) => Object.entries(f.properties).map(([k, v]) => `  ${k} = ${v ?? ''}`))]);
    return new Response(`${lines.join('\n')}\n`, { headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' } });
  }
  return new Response(gmlInfo(hits, crs), { headers: { ...headers, 'content-type': 'application/vnd.ogc.gml; charset=utf-8' } });
}

/** An XML element name from an attribute name (GML needs NCNames). */
function elementName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

/** MapServer's msGMLOutput shape (GML 2), which GDAL and QGIS read for GetFeatureInfo. */
function gmlInfo(hits: InfoHit[], crs: WmsCrs): string {
  const layers = hits.map(({ layer, features }) => {
    const name = elementName(layer.name);
    const members = features.map((f: Feature<Geometry, Record<string, unknown>> & { id: number }) => {
      const [w, s, e, n] = boxFromWgs84(featureBox(f.geometry), crs);
      const attributes = Object.entries(f.properties).map(([k, v]) => `<${elementName(k)}>${xmlEscape(v === null || v === undefined ? '' : String(v))}</${elementName(k)}>`).join('');
      return `<${name}_feature><gml:boundedBy><gml:Box srsName="${crs}"><gml:coordinates>${num(w)},${num(s)} ${num(e)},${num(n)}</gml:coordinates></gml:Box></gml:boundedBy>${attributes}</${name}_feature>`;
    });
    return `<${name}_layer><gml:name>${xmlEscape(layer.title)}</gml:name>${members.join('')}</${name}_layer>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<msGMLOutput xmlns:gml="http://www.opengis.net/gml" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
${layers.join('\n')}
</msGMLOutput>
`;
}

function featureBox(geometry: Geometry): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (value: unknown): void => {
    if (Array.isArray(value) && typeof value[0] === 'number') {
      const [x, y] = value as [number, number];
      box[0] = Math.min(box[0], x); box[1] = Math.min(box[1], y); box[2] = Math.max(box[2], x); box[3] = Math.max(box[3], y);
    } else if (Array.isArray(value)) value.forEach(visit);
  };
  if (geometry.type !== 'GeometryCollection') visit(geometry.coordinates);
  else for (const part of geometry.geometries) {
    const b = featureBox(part);
    visit([b[0], b[1]]);
    visit([b[2], b[3]]);
  }
  return box;
}

async function getLegendGraphic(context: OgcContext): Promise<Response> {
  const all = await styledLayers(context);
  const [chosen] = await pick(context, all, context.params.list('layer', 'layers'), 'layer');
  const format = (context.params.get('format') ?? 'image/png').toLowerCase();
  if (!format.startsWith('image/png')) throw new OgcError('InvalidFormat', `Format de légende non proposé : « ${format.slice(0, 40)} ». Utilisez image/png.`, 'format');
  const { svg } = renderLegendSvg(chosen!.style, geometryKindOf(chosen!.layer.geometryType));
  return pngResponse(await pngFromSvg(svg), [chosen!]);
}
