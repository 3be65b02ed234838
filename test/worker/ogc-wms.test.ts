import { env, SELF } from 'cloudflare:test';
import { decode } from 'fast-png';
import { beforeEach, describe, expect, it } from 'vitest';
import { createUser, ORIGIN, signedInCookie } from './accounts-fixtures';
import { createServedLayer, squareFeature } from './geo-layer-fixtures';
import { createDataset, createOrganization } from './publish-resources-fixtures';
import { boxFromWgs84 } from '../../worker/src/domain/map-projection';
import type { Style } from '../../worker/src/domain/style';
import type { CatalogueSnapshot } from '../../worker/src/domain/snapshot';

const BASE = `${ORIGIN}/maps/commune-de-lodeve`;
let org: string;
let datasetId: string;
let communesId: string;

beforeEach(async () => {
  const objects = (await env.FILES.list()).objects.map((o) => o.key);
  if (objects.length) await env.FILES.delete(objects);
  org = await createOrganization('commune-de-lodeve', 'Commune de Lodève');
  datasetId = await createDataset({ organizationId: org });
  communesId = await createServedLayer({
    organizationId: org, datasetId, name: 'communes', title: 'Communes', geometryType: 'Polygon',
    fields: [{ name: 'nom', type: 'string' }, { name: 'pop', type: 'integer' }],
    features: [squareFeature(3.30, 43.70, 0.04, { nom: 'Lodève', pop: 7000 }), squareFeature(3.36, 43.70, 0.04, { nom: 'Soubès', pop: 800 })],
  });
  await createServedLayer({
    organizationId: org, datasetId, name: 'ecoles', title: 'Écoles', geometryType: 'Point',
    fields: [{ name: 'nom', type: 'string' }],
    features: [{ type: 'Feature', properties: { nom: 'École Prosper' }, geometry: { type: 'Point', coordinates: [3.32, 43.72] } }],
  });
  await createServedLayer({
    organizationId: org, datasetId, name: 'reserve', geometryType: 'Polygon', accessLevel: 'registered',
    fields: [{ name: 'nom', type: 'string' }], features: [squareFeature(3.30, 43.70, 0.1, { nom: 'secret' })],
  });
});

const wms = (query: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}?${query}`, { headers });

function pixel(png: Uint8Array, x: number, y: number): number[] {
  const image = decode(png);
  const i = (y * image.width + x) * image.channels;
  return [...image.data.slice(i, i + image.channels)];
}

describe('WMS GetCapabilities', () => {
  it('answers 1.3.0 without VERSION, with public DCP URLs, CRS list, geographic and per-CRS boxes (EPSG:4326 lat/lon) and legends', async () => {
    const response = await wms('SERVICE=WMS&REQUEST=GetCapabilities', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'geo.example.org' });
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    const xml = await response.text();
    expect(xml).toContain('<WMS_Capabilities version="1.3.0"');
    expect(xml).toContain('xlink:href="https://geo.example.org/maps/commune-de-lodeve?"');
    for (const crs of ['CRS:84', 'EPSG:4326', 'EPSG:3857', 'EPSG:2154', 'EPSG:4171', 'EPSG:3943', 'EPSG:3944', 'EPSG:3945']) expect(xml).toContain(`<CRS>${crs}</CRS>`);
    expect(xml).toContain('<Name>communes</Name>');
    expect(xml).toContain('<Name>ecoles</Name>');
    expect(xml).not.toContain('<Name>reserve</Name>');
    expect(xml).toContain('<westBoundLongitude>3.3</westBoundLongitude><eastBoundLongitude>3.4</eastBoundLongitude><southBoundLatitude>43.7</southBoundLatitude>');
    expect(xml).toContain('<BoundingBox CRS="CRS:84" minx="3.3" miny="43.7" maxx="3.4" maxy="43.74"/>');
    expect(xml).toContain('<BoundingBox CRS="EPSG:4326" minx="43.7" miny="3.3" maxx="43.74" maxy="3.4"/>');
    expect(xml).toMatch(/<BoundingBox CRS="EPSG:2154" minx="7\d{5}\.\d+" miny="62\d{5}\.\d+"/);
    expect(xml).toContain('REQUEST=GetLegendGraphic&amp;LAYER=communes');
    expect(xml).toContain('<Format>application/vnd.ogc.gml</Format>');
  });

  it('answers 1.1.1 with SRS, LatLonBoundingBox and lon/lat boxes, and lists restricted layers to those allowed', async () => {
    const xml = await (await wms('service=WMS&request=GetCapabilities&version=1.1.1')).text();
    expect(xml).toContain('<WMT_MS_Capabilities version="1.1.1"');
    expect(xml).toContain('<SRS>EPSG:2154</SRS>');
    expect(xml).not.toContain('CRS:84');
    expect(xml).toContain('<LatLonBoundingBox minx="3.3" miny="43.7" maxx="3.4" maxy="43.74"/>');
    expect(xml).toContain('<BoundingBox SRS="EPSG:4326" minx="3.3" miny="43.7" maxx="3.4" maxy="43.74"/>');
    const user = await createUser({ username: 'inscrite' });
    const signedIn = await (await wms('service=WMS&request=GetCapabilities', { cookie: await signedInCookie(user.id) })).text();
    expect(signedIn).toContain('<Name>reserve</Name>');
  });
});

describe('WMS GetMap', () => {
  it('renders with the right axis order in 1.3.0 EPSG:4326, CRS:84 and 1.1.1, transparent or not', async () => {
    const queries = [
      'VERSION=1.3.0&CRS=EPSG:4326&BBOX=43.69,3.29,43.75,3.41',
      'VERSION=1.3.0&CRS=CRS:84&BBOX=3.29,43.69,3.41,43.75',
      'VERSION=1.1.1&SRS=EPSG:4326&BBOX=3.29,43.69,3.41,43.75',
    ];
    for (const q of queries) {
      const response = await wms(`SERVICE=WMS&REQUEST=GetMap&${q}&LAYERS=communes&STYLES=&WIDTH=120&HEIGHT=60&FORMAT=image/png&TRANSPARENT=TRUE&DPI=96&MAP_RESOLUTION=96&FORMAT_OPTIONS=dpi:96`);
      expect(response.headers.get('content-type')).toBe('image/png');
      const png = new Uint8Array(await response.arrayBuffer());
      // Lodève's square spans x 10–50, y 10–50 of this image; (60, 5) is empty.
      expect(pixel(png, 30, 30)).toEqual([158, 202, 225, 153]);
      expect(pixel(png, 60, 5)[3]).toBe(0);
    }
    const opaque = await wms('SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&CRS=CRS:84&BBOX=3.29,43.69,3.41,43.75&LAYERS=communes&STYLES=&WIDTH=120&HEIGHT=60&FORMAT=image/png&BGCOLOR=0x00FF00');
    expect(pixel(new Uint8Array(await opaque.arrayBuffer()), 60, 5)).toEqual([0, 255, 0, 255]);
  });

  it('draws several layers in order, in EPSG:2154, with the saved style', async () => {
    const style: Style = { name: 'Population', classes: [{ title: 'Grandes', filter: { attribute: 'pop', operator: '>', values: ['1000'] }, fill: { color: '#ff0000', opacity: 1 }, stroke: null, point: null, label: null }] };
    await env.DB.prepare('INSERT INTO layer_styles (resource_id, style, updated_at) VALUES (?, ?, ?)').bind(communesId, JSON.stringify(style), new Date().toISOString()).run();
    const bbox = boxFromWgs84([3.29, 43.69, 3.41, 43.75], 'EPSG:2154').join(',');
    const response = await wms(`service=WMS&request=GetMap&version=1.3.0&crs=EPSG:2154&bbox=${bbox}&layers=communes,ecoles&styles=,&width=240&height=120&format=image/png&transparent=true`);
    const png = new Uint8Array(await response.arrayBuffer());
    const image = decode(png);
    expect([image.width, image.height]).toEqual([240, 120]);
    let red = 0;
    let orange = 0;
    for (let i = 0; i < image.data.length; i += 4) {
      if (image.data[i] === 255 && image.data[i + 1] === 0 && image.data[i + 3] === 255) red++;
      if (image.data[i] === 230 && image.data[i + 1] === 85) orange++;
    }
    expect(red).toBeGreaterThan(2000); // Lodève (7 000 inhabitants) in red; Soubès matches no class
    expect(orange).toBeGreaterThan(10); // the school's marker, drawn above
  });

  it('answers OGC exception reports in each version’s format, and INIMAGE as a PNG', async () => {
    const unknown = await wms('SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&CRS=CRS:84&BBOX=0,0,1,1&LAYERS=nope&STYLES=&WIDTH=10&HEIGHT=10&FORMAT=image/png');
    const text = await unknown.text();
    expect(text).toContain('<ServiceExceptionReport xmlns="http://www.opengis.net/ogc" version="1.3.0">');
    expect(text).toContain('code="LayerNotDefined"');
    const crs = await wms('SERVICE=WMS&REQUEST=GetMap&VERSION=1.1.1&SRS=EPSG:27572&BBOX=0,0,1,1&LAYERS=communes&STYLES=&WIDTH=10&HEIGHT=10&FORMAT=image/png');
    expect(crs.headers.get('content-type')).toMatch(/^application\/vnd\.ogc\.se_xml/);
    expect(await crs.text()).toContain('code="InvalidSRS"');
    const size = await wms('SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&CRS=CRS:84&BBOX=0,0,1,1&LAYERS=communes&STYLES=&WIDTH=99999&HEIGHT=10&FORMAT=image/png');
    expect(await size.text()).toContain('WIDTH doit être un entier de 1 à 4096');
    const format = await wms('SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&CRS=CRS:84&BBOX=0,0,1,1&LAYERS=communes&STYLES=&WIDTH=10&HEIGHT=10&FORMAT=image/gif');
    expect(await format.text()).toContain('code="InvalidFormat"');
    const style = await wms('SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&CRS=CRS:84&BBOX=0,0,1,1&LAYERS=communes&STYLES=rouge&WIDTH=10&HEIGHT=10&FORMAT=image/png');
    expect(await style.text()).toContain('code="StyleNotDefined"');
    const restricted = await wms('SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&CRS=CRS:84&BBOX=0,0,1,1&LAYERS=reserve&STYLES=&WIDTH=10&HEIGHT=10&FORMAT=image/png');
    // Anonymous: a 401 with a Basic challenge, so QGIS and GDAL ask for (or send) the portal credentials.
    expect(restricted.status).toBe(401);
    expect(restricted.headers.get('www-authenticate')).toContain('Basic');
    expect(await restricted.text()).toContain('La couche reserve est réservée');
    const inimage = await wms('SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&CRS=CRS:84&BBOX=0,0,1,1&LAYERS=nope&STYLES=&WIDTH=200&HEIGHT=50&FORMAT=image/png&EXCEPTIONS=INIMAGE');
    expect(inimage.headers.get('content-type')).toBe('image/png');
    const image = decode(new Uint8Array(await inimage.arrayBuffer()));
    expect(image.width).toBe(200);
    const blank = await wms('SERVICE=WMS&REQUEST=GetMap&VERSION=1.1.1&SRS=EPSG:4326&BBOX=1,0,0,1&LAYERS=communes&STYLES=&WIDTH=20&HEIGHT=20&FORMAT=image/png&EXCEPTIONS=application/vnd.ogc.se_blank&TRANSPARENT=TRUE');
    expect(pixel(new Uint8Array(await blank.arrayBuffer()), 5, 5)[3]).toBe(0);
  });
});

describe('WMS GetFeatureInfo', () => {
  const base = 'SERVICE=WMS&REQUEST=GetFeatureInfo&LAYERS=communes&QUERY_LAYERS=communes&STYLES=&WIDTH=120&HEIGHT=60&FORMAT=image/png';

  it('finds the feature under I/J (1.3.0), X/Y (1.1.1 and GDAL’s 1.3.0) in JSON, HTML and GML', async () => {
    const json = await (await wms(`${base}&VERSION=1.3.0&CRS=EPSG:4326&BBOX=43.69,3.29,43.75,3.41&I=30&J=30&INFO_FORMAT=application/json`)).json<{ features: Array<{ properties: Record<string, unknown> }> }>();
    expect(json.features.map((f) => f.properties.nom)).toEqual(['Lodève']);
    const html = await (await wms(`${base}&VERSION=1.1.1&SRS=EPSG:4326&BBOX=3.29,43.69,3.41,43.75&X=90&Y=30&INFO_FORMAT=text/html`)).text();
    expect(html).toContain('<td>Soubès</td>');
    expect(html).not.toContain('Lodève');
    const gml = await (await wms(`${base}&version=1.3.0&crs=EPSG:4326&bbox=43.69,3.29,43.75,3.41&x=30&y=30&info_format=application/vnd.ogc.gml`)).text();
    expect(gml).toContain('<communes_layer>');
    expect(gml).toContain('<nom>Lodève</nom>');
    const empty = await (await wms(`${base}&VERSION=1.3.0&CRS=CRS:84&BBOX=3.29,43.69,3.41,43.75&I=60&J=3&INFO_FORMAT=application/json`)).json<{ features: unknown[] }>();
    expect(empty.features).toEqual([]);
    const outside = await (await wms(`${base}&VERSION=1.3.0&CRS=CRS:84&BBOX=3.29,43.69,3.41,43.75&I=500&J=3&INFO_FORMAT=application/json`)).text();
    expect(outside).toContain('code="InvalidPoint"');
  });
});

describe('WMS GetLegendGraphic', () => {
  it('draws one row per class of the style', async () => {
    const response = await wms('SERVICE=WMS&REQUEST=GetLegendGraphic&VERSION=1.3.0&LAYER=communes&FORMAT=image/png');
    expect(response.headers.get('content-type')).toBe('image/png');
    const image = decode(new Uint8Array(await response.arrayBuffer()));
    expect(image.height).toBe(4 + 22 + 4);
  });
});

describe('catalogue snapshot', () => {
  it('gives the dataset page the facts of layers anonymous visitors may see, with the saved or default style', async () => {
    const response = await SELF.fetch(`${ORIGIN}/api/internal/catalogue/snapshot`, { headers: { authorization: 'Bearer operator-test-token' } });
    const snapshot = await response.json<CatalogueSnapshot>();
    const resources = snapshot.datasets.find((d) => d.id === datasetId)!.resources;
    const communes = resources.find((r) => r.id === communesId)!;
    expect(communes.layer).toMatchObject({
      name: 'communes', geometryType: 'Polygon', featureCount: 2, bbox: [3.3, 43.7, 3.4, 43.74], servicePath: '/maps/commune-de-lodeve',
      tilesPath: `/tiles/${communesId}.pmtiles`, style: { name: 'Style par défaut' },
    });
    const reserve = resources.find((r) => r.title === 'reserve')!;
    expect(reserve.restricted).toBe(true);
    expect(reserve.layer).toBeUndefined();
  });
});

describe('WMS GetMap with an SLD in the request (SLD_BODY)', () => {
  const sld = (layer: string, rules: string) => `<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc">
<NamedLayer><Name>${layer}</Name><UserStyle><Name>vert</Name><FeatureTypeStyle>${rules}</FeatureTypeStyle></UserStyle></NamedLayer>
</StyledLayerDescriptor>`;
  const green = '<Rule><PolygonSymbolizer><Fill><CssParameter name="fill">#00ff00</CssParameter></Fill></PolygonSymbolizer></Rule>';
  const map = 'SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&CRS=CRS:84&BBOX=3.29,43.69,3.41,43.75&STYLES=&WIDTH=120&HEIGHT=60&FORMAT=image/png&TRANSPARENT=TRUE';
  const png = async (response: Response) => {
    expect(response.headers.get('content-type')).toBe('image/png');
    return new Uint8Array(await response.arrayBuffer());
  };

  it('draws the named layer with the SLD’s UserStyle instead of the default, in 1.3.0, 1.1.1 and a form-encoded POST', async () => {
    const body = encodeURIComponent(sld('communes', green));
    const v13 = await png(await wms(`${map}&LAYERS=communes&SLD_BODY=${body}`));
    expect(pixel(v13, 30, 30)).toEqual([0, 255, 0, 255]);
    const v11 = await png(await wms(`SERVICE=WMS&REQUEST=GetMap&VERSION=1.1.1&SRS=EPSG:4326&BBOX=3.29,43.69,3.41,43.75&LAYERS=communes&STYLES=&WIDTH=120&HEIGHT=60&FORMAT=image/png&SLD_BODY=${body}`));
    expect(pixel(v11, 30, 30)).toEqual([0, 255, 0, 255]);
    const posted = await SELF.fetch(BASE, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${map}&LAYERS=communes&SLD_BODY=${body}` });
    expect(pixel(await png(posted), 30, 30)).toEqual([0, 255, 0, 255]);
    // Without SLD_BODY the default style (light blue) is drawn.
    expect(pixel(await png(await wms(`${map}&LAYERS=communes`)), 30, 30)).toEqual([158, 202, 225, 153]);
  });

  it('takes the layers from the SLD when LAYERS is absent, and leaves out what the style model cannot draw', async () => {
    // ElseFilter and an unsupported filter: those rules are dropped (never drawn for every feature); GraphicFill is
    // left out of the fill, so the stroke alone remains; Lodève (pop 7000) is green, Soubès (800) is not drawn.
    const rules = `${'<Rule><ogc:Filter><ogc:PropertyIsGreaterThan><ogc:PropertyName>pop</ogc:PropertyName><ogc:Literal>1000</ogc:Literal></ogc:PropertyIsGreaterThan></ogc:Filter>'}
<PolygonSymbolizer><Fill><CssParameter name="fill">#00ff00</CssParameter></Fill></PolygonSymbolizer></Rule>
<Rule><ElseFilter/><PolygonSymbolizer><Fill><CssParameter name="fill">#ff0000</CssParameter></Fill></PolygonSymbolizer></Rule>
<Rule><ogc:Filter><ogc:PropertyIsNull><ogc:PropertyName>nom</ogc:PropertyName></ogc:PropertyIsNull></ogc:Filter><PolygonSymbolizer><Fill><CssParameter name="fill">#ff0000</CssParameter></Fill></PolygonSymbolizer></Rule>
<Rule><ogc:Filter><ogc:PropertyIsLessThan><ogc:PropertyName>pop</ogc:PropertyName><ogc:Literal>1000</ogc:Literal></ogc:PropertyIsLessThan></ogc:Filter><PolygonSymbolizer><Fill><GraphicFill><Graphic><Mark><WellKnownName>x</WellKnownName></Mark></Graphic></GraphicFill></Fill><Stroke><CssParameter name="stroke">#0000ff</CssParameter><CssParameter name="stroke-width">3</CssParameter></Stroke></PolygonSymbolizer></Rule>`;
    const image = await png(await wms(`${map}&SLD_BODY=${encodeURIComponent(sld('commune-de-lodeve:communes', rules))}`));
    expect(pixel(image, 30, 30)).toEqual([0, 255, 0, 255]);
    // Soubès spans x 70–110: its inside stays transparent, its outline is blue.
    expect(pixel(image, 90, 30)[3]).toBe(0);
    expect(pixel(image, 70, 30)).toEqual([0, 0, 255, 255]);
  });

  it('refuses an invalid SLD, a DOCTYPE, an unknown named style, an SLD by URL and a restricted layer with clear exceptions', async () => {
    const report = async (query: string) => {
      const response = await wms(`${map}&${query}`);
      expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
      return response.text();
    };
    const malformed = await report(`LAYERS=communes&SLD_BODY=${encodeURIComponent('<StyledLayerDescriptor><NamedLayer>')}`);
    expect(malformed).toContain('code="InvalidParameterValue" locator="sld_body"');
    expect(malformed).toContain('SLD_BODY invalide : Ce SLD n’est pas un XML valide');
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><StyledLayerDescriptor><NamedLayer><Name>&lol2;</Name></NamedLayer></StyledLayerDescriptor>';
    expect(await report(`LAYERS=communes&SLD_BODY=${encodeURIComponent(bomb)}`)).toContain('DOCTYPE');
    expect(await report(`LAYERS=communes&SLD_BODY=${encodeURIComponent('<Filter/>')}`)).toContain('l’élément racine est « Filter »');
    const badColour = await report(`LAYERS=communes&SLD_BODY=${encodeURIComponent(sld('communes', '<Rule><PolygonSymbolizer><Fill><CssParameter name="fill">vert</CssParameter></Fill></PolygonSymbolizer></Rule>'))}`);
    expect(badColour).toContain('Couleur « vert » non reconnue');
    const noRule = await report(`LAYERS=communes&SLD_BODY=${encodeURIComponent(sld('communes', '<Rule><RasterSymbolizer/></Rule>'))}`);
    expect(noRule).toContain('aucune règle');
    const named = '<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld"><NamedLayer><Name>communes</Name><NamedStyle><Name>rouge</Name></NamedStyle></NamedLayer></StyledLayerDescriptor>';
    expect(await report(`SLD_BODY=${encodeURIComponent(named)}`)).toContain('code="StyleNotDefined" locator="sld_body"');
    const byUrl = await report(`LAYERS=communes&SLD=${encodeURIComponent('http://169.254.169.254/latest/style.sld')}`);
    expect(byUrl).toContain('code="InvalidParameterValue" locator="sld"');
    expect(byUrl).toContain('ne télécharge aucun document distant');
    const restricted = await wms(`${map}&SLD_BODY=${encodeURIComponent(sld('reserve', green))}`);
    expect(restricted.status).toBe(401);
    expect(await restricted.text()).toContain('La couche reserve est réservée');
  });

  it('advertises SLD support in 1.1.1 and the POST DCP of GetMap', async () => {
    const xml = await (await wms('service=WMS&request=GetCapabilities&version=1.1.1')).text();
    expect(xml).toContain('<UserDefinedSymbolization SupportSLD="1" UserLayer="0" UserStyle="1" RemoteWFS="0"/>');
    expect(xml).toMatch(/<GetMap><Format>image\/png<\/Format><DCPType><HTTP><Get><OnlineResource [^>]*xlink:href="[^"]*\/maps\/commune-de-lodeve\?"\/><\/Get><Post><OnlineResource [^>]*xlink:href="[^"]*\/maps\/commune-de-lodeve"\/><\/Post>/);
  });
});
