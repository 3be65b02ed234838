import { SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { createUser, PASSWORD } from './accounts-fixtures';
import { ORG_REGION } from './fixtures';
import { LAYERS, publishGeo, runVectorIngest } from './geo-fixtures';

const BASE = 'https://portal.test/maps/region-test';
const post = (body: string, headers: Record<string, string> = {}) =>
  SELF.fetch(BASE, { method: 'POST', body, headers: { 'content-type': 'text/xml', ...headers } });
const basic = (login: string, password: string) => ({ authorization: `Basic ${btoa(`${login}:${password}`)}` });
const WFS20 = 'xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2"';
const WFS11 = 'xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml"';

type Collection = { numberMatched: number; numberReturned: number; features: Array<{ id: string; properties: Record<string, unknown> }> };
async function json(body: string, headers: Record<string, string> = {}): Promise<Collection> {
  const response = await post(body, headers);
  expect(response.headers.get('content-type')).toContain('application/json');
  return response.json() as Promise<Collection>;
}

async function exception(response: Response, status = 400): Promise<string> {
  expect(response.status).toBe(status);
  const text = await response.text();
  expect(text).toContain('<ows:ExceptionReport');
  return text;
}

describe('WFS requests posted in XML or as a form', () => {
  beforeEach(async () => {
    await publishGeo(LAYERS);
    await runVectorIngest(...LAYERS.map((l) => l.id));
  });

  it('answers GetCapabilities and DescribeFeatureType in XML, and advertises the POST DCPs', async () => {
    const caps = await (await post(`<wfs:GetCapabilities service="WFS" ${WFS20}><ows:AcceptVersions xmlns:ows="http://www.opengis.net/ows/1.1"><ows:Version>1.1.0</ows:Version></ows:AcceptVersions></wfs:GetCapabilities>`)).text();
    expect(caps).toContain('version="1.1.0"');
    expect(caps).toContain('<ows:Operation name="GetFeature"><ows:DCP><ows:HTTP><ows:Get xlink:href="https://portal.test/maps/region-test?"/><ows:Post xlink:href="https://portal.test/maps/region-test"/>');
    const caps2 = await (await post(`<wfs:GetCapabilities service="WFS" version="2.0.0" ${WFS20}/>`)).text();
    expect(caps2).toMatch(/name="XMLEncoding"><ows:NoValues\/><ows:DefaultValue>TRUE/);
    const xsd = await (await post(`<wfs:DescribeFeatureType service="WFS" version="2.0.0" ${WFS20}><wfs:TypeName>region-test:aires_de_covoiturage</wfs:TypeName></wfs:DescribeFeatureType>`)).text();
    expect(xsd).toContain('<xsd:element name="places" type="xsd:long"');
    expect(xsd).not.toContain('zones_du_gard');
  });

  it('reads GetFeature 2.0.0 with a fes:Filter BBOX in the URN axis order, count, startIndex, hits and PropertyName', async () => {
    const query = (attributes: string, inner = '') => `<wfs:GetFeature service="WFS" version="2.0.0" ${attributes} ${WFS20}><wfs:Query typeNames="region-test:points_geojson">${inner}</wfs:Query></wfs:GetFeature>`;
    const bbox = '<fes:Filter><fes:BBOX><fes:ValueReference>geometry</fes:ValueReference><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>43.49 3.59</gml:lowerCorner><gml:upperCorner>43.61 3.8</gml:upperCorner></gml:Envelope></fes:BBOX></fes:Filter>';
    const inBox = await json(query('outputFormat="application/json"', bbox));
    expect(inBox.numberMatched).toBe(9);
    const page = await json(query('outputFormat="application/json" count="50" startIndex="100"'));
    expect([page.numberMatched, page.features.length, page.features[0]!.id]).toEqual([120, 20, 'points_geojson.100']);
    const hits = await (await post(query('resultType="hits"'))).text();
    expect(hits).toContain('numberMatched="120" numberReturned="0"');
    const projected = await json(query('outputFormat="application/json" count="1"', '<wfs:PropertyName>region-test:nom</wfs:PropertyName>'));
    expect(Object.keys(projected.features[0]!.properties)).toEqual(['nom']);
    const gml = await (await post(query('count="1"'))).text();
    expect(gml).toMatch(/<gml:Point gml:id="points_geojson\.0\.geom" srsName="urn:ogc:def:crs:EPSG::4326" srsDimension="2"><gml:pos>43\.5 3\.6<\/gml:pos>/);
  });

  it('reads GetFeature 1.1.0 with ogc:Filter comparisons and logic, maxFeatures, srsName, and several queries', async () => {
    const filter = '<ogc:Filter><ogc:And><ogc:PropertyIsEqualTo><ogc:PropertyName>categorie</ogc:PropertyName><ogc:Literal>bus</ogc:Literal></ogc:PropertyIsEqualTo>'
      + '<ogc:Not><ogc:PropertyIsLessThan><ogc:PropertyName>places</ogc:PropertyName><ogc:Literal>0</ogc:Literal></ogc:PropertyIsLessThan></ogc:Not></ogc:And></ogc:Filter>';
    const bus = await json(`<wfs:GetFeature service="WFS" version="1.1.0" outputFormat="application/json" ${WFS11}><wfs:Query typeName="region-test:points_geojson">${filter}</wfs:Query></wfs:GetFeature>`);
    expect(bus.numberMatched).toBe(40);
    const lambert = await (await post(`<wfs:GetFeature service="WFS" version="1.1.0" maxFeatures="1" ${WFS11}><wfs:Query typeName="region-test:points_geojson" srsName="EPSG:2154"><ogc:Filter><ogc:GmlObjectId gml:id="points_geojson.0"/></ogc:Filter></wfs:Query></wfs:GetFeature>`)).text();
    expect(lambert).toContain('numberOfFeatures="1"');
    const [x] = /<gml:pos>([\d.]+) [\d.]+<\/gml:pos>/.exec(lambert)!.slice(1).map(Number);
    expect(x).toBeCloseTo(748_545.46, 1);
    const both = await json(`<wfs:GetFeature service="WFS" version="2.0.0" outputFormat="application/json" count="200" ${WFS20}><wfs:Query typeNames="region-test:zones_du_gard"/>`
      + `<wfs:Query typeNames="region-test:points_geojson"><fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>categorie</fes:ValueReference><fes:Literal>bus</fes:Literal></fes:PropertyIsEqualTo></fes:Filter></wfs:Query></wfs:GetFeature>`);
    expect(both.numberMatched).toBe(30 + 40);
  });

  it('reads KVP from an application/x-www-form-urlencoded body', async () => {
    const body = new URLSearchParams({ service: 'WFS', version: '2.0.0', request: 'GetFeature', typeNames: 'region-test:points_geojson', outputFormat: 'application/json', count: '3' });
    const response = await SELF.fetch(BASE, { method: 'POST', body });
    expect(((await response.json()) as Collection).features).toHaveLength(3);
  });

  it('refuses entity bombs, malformed and oversize bodies, unknown requests and layers with OGC exception reports', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>`
      + `<wfs:GetFeature service="WFS" version="2.0.0" ${WFS20}><wfs:Query typeNames="points_geojson"><fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>nom</fes:ValueReference><fes:Literal>&lol9;</fes:Literal></fes:PropertyIsEqualTo></fes:Filter></wfs:Query></wfs:GetFeature>`;
    expect(await exception(await post(bomb))).toContain('DOCTYPE');
    const malformed = await exception(await post(`<wfs:GetFeature ${WFS20}><wfs:Query typeNames="points_geojson"></wfs:GetFeature>`));
    expect(malformed).toContain('La requête n’est pas un XML valide');
    const deep = `<wfs:GetFeature service="WFS" version="2.0.0" ${WFS20}><wfs:Query typeNames="points_geojson"><fes:Filter>${'<fes:Not>'.repeat(10_000)}<fes:PropertyIsNull><fes:ValueReference>nom</fes:ValueReference></fes:PropertyIsNull>${'</fes:Not>'.repeat(10_000)}</fes:Filter></wfs:Query></wfs:GetFeature>`;
    expect(await exception(await post(deep))).toContain('imbriquée sur plus de 50 niveaux');
    const oversize = await exception(await post(`<wfs:GetFeature ${WFS20}><!--${'x'.repeat(2_100_000)}--></wfs:GetFeature>`), 413);
    expect(oversize).toContain('dépasse 2 Mo');
    expect(await exception(await post(`<wfs:Transaction service="WFS" version="2.0.0" ${WFS20}/>`))).toContain('exceptionCode="OperationNotSupported"');
    expect(await exception(await post('<GetMap xmlns="http://www.opengis.net/sld"/>'))).toContain('n’est pas une requête WFS');
    expect(await exception(await post(`<wfs:GetFeature service="WFS" version="2.0.0" ${WFS20}/>`))).toContain('au moins un élément wfs:Query');
    const unknown = await exception(await post(`<wfs:GetFeature service="WFS" version="2.0.0" ${WFS20}><wfs:Query typeNames="region-test:nope"/></wfs:GetFeature>`));
    expect(unknown).toContain('Type d’objet inconnu : « region-test:nope »');
    const badFilter = await exception(await post(`<wfs:GetFeature service="WFS" version="2.0.0" ${WFS20}><wfs:Query typeNames="points_geojson"><fes:Filter><fes:Intersects/></fes:Filter></wfs:Query></wfs:GetFeature>`));
    expect(badFilter).toContain('Opérateur de filtre non pris en charge : Intersects');
    const unknownAttribute = await exception(await post(`<wfs:GetFeature service="WFS" version="2.0.0" ${WFS20}><wfs:Query typeNames="points_geojson"><fes:Filter><fes:PropertyIsNull><fes:ValueReference>inconnu</fes:ValueReference></fes:PropertyIsNull></fes:Filter></wfs:Query></wfs:GetFeature>`));
    expect(unknownAttribute).toContain('Attribut inconnu dans le filtre : « inconnu »');
  });

  it('serves a restricted layer posted in XML only with HTTP Basic credentials of an allowed user', async () => {
    const body = `<wfs:GetFeature service="WFS" version="2.0.0" outputFormat="application/json" ${WFS20}><wfs:Query typeNames="region-test:zones_lambert_93"/></wfs:GetFeature>`;
    const anonymous = await post(body);
    expect(await exception(anonymous, 401)).toContain('La couche zones_lambert_93 est réservée');
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
    await createUser({ username: 'cartographe', memberships: [{ organizationId: ORG_REGION, role: 'member' }] });
    await createUser({ username: 'curieux' });
    expect((await json(body, basic('cartographe', PASSWORD))).numberMatched).toBe(30);
    await exception(await post(body, basic('curieux', PASSWORD)), 403);
  });
});
