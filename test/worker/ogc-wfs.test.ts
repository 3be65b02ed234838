import { env, SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../worker/src/store/sessions';
import { createUser, PASSWORD } from './accounts-fixtures';
import { ORG_REGION } from './fixtures';
import { LAYERS, publishGeo, runVectorIngest } from './geo-fixtures';

const BASE = 'https://portal.test/maps/region-test';
const get = (query: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}?${query}`, { headers });
const basic = (login: string, password: string) => ({ authorization: `Basic ${btoa(`${login}:${password}`)}` });

async function featureCollection(query: string, headers: Record<string, string> = {}) {
  const response = await get(query, headers);
  expect(response.headers.get('content-type')).toContain('application/json');
  return response.json() as Promise<{ numberMatched: number; numberReturned: number; features: Array<{ id: string; geometry: { coordinates: number[] }; properties: Record<string, unknown> }> }>;
}

describe('WFS of an organisation', () => {
  beforeEach(async () => {
    await publishGeo(LAYERS);
    await runVectorIngest(...LAYERS.map((l) => l.id));
  });

  it('answers GetCapabilities 2.0.0 and 1.1.0 with public DCP URLs, paging, operators, and only public layers for anonymous', async () => {
    const v2 = await (await get('service=WFS&request=GetCapabilities')).text();
    expect(v2).toContain('version="2.0.0"');
    expect(v2).toContain('<ows:Get xlink:href="https://portal.test/maps/region-test?"/>');
    expect(v2).toMatch(/name="ImplementsResultPaging"><ows:NoValues\/><ows:DefaultValue>TRUE/);
    for (const op of ['PropertyIsLike', 'PropertyIsLessThanOrEqualTo', 'PropertyIsNotEqualTo']) expect(v2).toContain(`name="${op}"`);
    expect(v2).toContain('<wfs:Name>region-test:aires_de_covoiturage</wfs:Name>');
    expect(v2).toContain('<wfs:DefaultCRS>urn:ogc:def:crs:EPSG::4326</wfs:DefaultCRS>');
    expect(v2).toContain('<wfs:OtherCRS>urn:ogc:def:crs:EPSG::2154</wfs:OtherCRS>');
    expect(v2).not.toContain('zones_lambert_93');
    const v1 = await (await get('SERVICE=WFS&REQUEST=GetCapabilities&VERSION=1.1.0')).text();
    expect(v1).toContain('version="1.1.0"');
    expect(v1).toContain('<ogc:ComparisonOperator>Like</ogc:ComparisonOperator>');
    expect(v1).toMatch(/<wfs:OutputFormats><wfs:Format>text\/xml; subtype=gml\/3.1.1<\/wfs:Format>/);
  });

  it('answers the highest version a client accepts, and tells QGIS a page size', async () => {
    expect(await (await get('service=WFS&request=GetCapabilities&AcceptVersions=1.1.0,2.0.0')).text()).toContain('version="2.0.0"');
    expect(await (await get('service=WFS&request=GetCapabilities&acceptversions=1.1.0,1.0.0')).text()).toContain('version="1.1.0"');
    expect(await (await get('service=WFS&request=GetCapabilities')).text()).toMatch(/name="CountDefault"><ows:NoValues\/><ows:DefaultValue>1000/);
  });

  it('reads TYPENAMES and TYPENAME sent together, as QGIS does', async () => {
    const xsd = await (await get('service=WFS&version=2.0.0&request=DescribeFeatureType&TYPENAMES=region-test:aires_de_covoiturage&TYPENAME=region-test:aires_de_covoiturage')).text();
    expect(xsd).toContain('<xsd:element name="places" type="xsd:long"');
    const hits = await (await get('service=WFS&version=2.0.0&request=GetFeature&TYPENAMES=region-test:aires_de_covoiturage&TYPENAME=region-test:aires_de_covoiturage&resultType=hits')).text();
    expect(hits).toMatch(/numberMatched="\d+"/);
  });

  it('describes feature types with a real XSD', async () => {
    const xsd = await (await get('service=WFS&version=2.0.0&request=DescribeFeatureType&typeName=region-test:aires_de_covoiturage')).text();
    expect(xsd).toContain('targetNamespace="https://portal.test/maps/region-test"');
    expect(xsd).toContain('elementFormDefault="qualified"');
    expect(xsd).toContain('<xsd:element name="geometry" type="gml:PointPropertyType"');
    expect(xsd).toContain('<xsd:element name="places" type="xsd:long"');
    expect(xsd).toContain('substitutionGroup="gml:AbstractFeature"');
  });

  it('pages with COUNT and STARTINDEX, counts hits, and filters by BBOX with the URN axis order', async () => {
    const page1 = await featureCollection('service=WFS&version=2.0.0&request=GetFeature&typeNames=region-test:points_geojson&count=50&outputFormat=application/json');
    const page3 = await featureCollection('service=WFS&version=2.0.0&request=GetFeature&typeNames=region-test:points_geojson&count=50&startIndex=100&outputFormat=application/json');
    expect(page1.numberMatched).toBe(120);
    expect(page1.features).toHaveLength(50);
    expect(page3.features).toHaveLength(20);
    expect(page3.features[0]!.id).toBe('points_geojson.100');
    const hits = await (await get('SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=region-test:points_geojson&RESULTTYPE=hits')).text();
    expect(hits).toContain('numberMatched="120" numberReturned="0"');
    const hits11 = await (await get('SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=region-test:points_geojson&RESULTTYPE=hits')).text();
    expect(hits11).toContain('numberOfFeatures="120"');
    // lat,lon with the URN (owslib), lon,lat with EPSG:4326.
    const urn = await featureCollection('service=wfs&version=2.0.0&request=GetFeature&typenames=points_geojson&bbox=43.49,3.59,43.61,3.8,urn:ogc:def:crs:EPSG::4326&outputFormat=application/json');
    const plain = await featureCollection('service=wfs&version=2.0.0&request=GetFeature&typenames=points_geojson&bbox=3.59,43.49,3.8,43.61,EPSG:4326&outputFormat=application/json');
    expect(urn.numberMatched).toBe(9);
    expect(plain.features.map((f) => f.id)).toEqual(urn.features.map((f) => f.id));
    // A Lambert 93 box around the same points.
    const lambert = await featureCollection('service=wfs&version=2.0.0&request=GetFeature&typenames=points_geojson&bbox=740000,6265000,758000,6280000,EPSG:2154&outputFormat=application/json');
    expect(lambert.numberMatched).toBeGreaterThan(0);
  });

  it('writes GML 3.2 in lat/lon for the URN and reprojects to Lambert 93', async () => {
    const gml = await (await get('service=WFS&version=2.0.0&request=GetFeature&typeNames=region-test:points_geojson&resourceId=points_geojson.0')).text();
    expect(gml).toContain('numberMatched="1" numberReturned="1"');
    expect(gml).toMatch(/<gml:Point gml:id="points_geojson\.0\.geom" srsName="urn:ogc:def:crs:EPSG::4326" srsDimension="2"><gml:pos>43\.5 3\.6<\/gml:pos>/);
    const gml311 = await (await get('service=WFS&version=1.1.0&request=GetFeature&typeName=region-test:points_geojson&featureid=points_geojson.0&srsName=EPSG:2154')).text();
    expect(gml311).toContain('<gml:featureMember><region-test:points_geojson gml:id="points_geojson.0">');
    const [x, y] = /<gml:pos>([\d.]+) ([\d.]+)<\/gml:pos>/.exec(gml311)!.slice(1).map(Number);
    // gdaltransform -s_srs OGC:CRS84 -t_srs EPSG:2154 on 3.6 43.5: 748545.46 6266952.83.
    expect(x).toBeCloseTo(748_545.46, 1);
    expect(y).toBeCloseTo(6_266_952.83, 1);
    const polygons = await (await get('service=WFS&version=2.0.0&request=GetFeature&typeNames=zones_du_gard&count=1')).text();
    expect(polygons).toContain('<gml:exterior><gml:LinearRing><gml:posList>');
  });

  it('applies filters as GDAL and QGIS send them: Envelope, Box, comparisons, Like, And/Or/Not', async () => {
    const filter = (xml: string, version = '2.0.0') => featureCollection(`service=WFS&version=${version}&request=GetFeature&typeNames=points_geojson&outputFormat=application/json&filter=${encodeURIComponent(xml)}`);
    const fes = 'xmlns="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2"';
    const envelope = await filter(`<Filter ${fes}><BBOX><ValueReference>geometry</ValueReference><gml:Envelope><gml:lowerCorner>43.49 3.59</gml:lowerCorner><gml:upperCorner>43.61 3.8</gml:upperCorner></gml:Envelope></BBOX></Filter>`);
    expect(envelope.numberMatched).toBe(9);
    const box = await filter('<Filter xmlns="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml"><BBOX><PropertyName>geometry</PropertyName><gml:Box><gml:coordinates>43.49,3.59 43.61,3.8</gml:coordinates></gml:Box></BBOX></Filter>', '1.1.0');
    expect(box.numberMatched).toBe(9);
    const equal = await filter(`<Filter ${fes}><PropertyIsEqualTo><ValueReference>categorie</ValueReference><Literal>bus</Literal></PropertyIsEqualTo></Filter>`);
    expect(equal.numberMatched).toBe(40);
    const combined = await filter(`<Filter ${fes}><And><PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><ValueReference>nom</ValueReference><Literal>Aire n°1*</Literal></PropertyIsLike>`
      + `<Or><PropertyIsGreaterThanOrEqualTo><ValueReference>places</ValueReference><Literal>10</Literal></PropertyIsGreaterThanOrEqualTo><Not><PropertyIsBetween><ValueReference>note</ValueReference>`
      + '<LowerBoundary><Literal>0</Literal></LowerBoundary><UpperBoundary><Literal>100</Literal></UpperBoundary></PropertyIsBetween></Not></Or></And></Filter>');
    // "Aire n°1…": odd i in 1, 11, 13, 15, 17, 19, 101…119; places = i % 17 >= 10.
    const expected = [1, ...Array.from({ length: 119 }, (_, i) => i + 1)].filter((i, k, all) => all.indexOf(i) === k && i % 2 === 1 && String(i).startsWith('1') && i % 17 >= 10);
    expect(combined.features.map((f) => f.properties.places).sort()).toEqual(expected.map((i) => i % 17).sort());
  });

  it('refuses entity bombs, deep nesting and unknown parameters with OGC exception reports', async () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Filter><PropertyIsEqualTo><ValueReference>nom</ValueReference><Literal>&lol2;</Literal></PropertyIsEqualTo></Filter>';
    const bombResponse = await get(`service=WFS&version=2.0.0&request=GetFeature&typeNames=points_geojson&filter=${encodeURIComponent(bomb)}`);
    expect(bombResponse.status).toBe(400);
    const bombText = await bombResponse.text();
    expect(bombText).toContain('<ows:ExceptionReport');
    expect(bombText).toContain('DOCTYPE');
    const deep = `<Filter xmlns="http://www.opengis.net/fes/2.0">${'<Not>'.repeat(10_000)}<PropertyIsNull><ValueReference>nom</ValueReference></PropertyIsNull>${'</Not>'.repeat(10_000)}</Filter>`;
    const deepResponse = await SELF.fetch(`${BASE}?service=WFS&version=2.0.0&request=GetFeature&typeNames=points_geojson&filter=${encodeURIComponent(deep)}`);
    const deepText = await deepResponse.text();
    expect(deepText).toContain('imbriqué sur plus de 50 niveaux');
    expect(deepText).toContain('locator="filter"');
    const unknownType = await (await get('service=WFS&version=2.0.0&request=GetFeature&typeNames=nope')).text();
    expect(unknownType).toContain('exceptionCode="InvalidParameterValue"');
    const badIndex = await (await get('service=WFS&version=2.0.0&request=GetFeature&typeNames=points_geojson&startIndex=-1')).text();
    expect(badIndex).toContain('STARTINDEX');
  });

  it('serves a restricted layer only with HTTP Basic credentials of an allowed user or their API token', async () => {
    const anonymous = await get('service=WFS&version=2.0.0&request=GetFeature&typeNames=zones_lambert_93&count=1');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
    const member = await createUser({ username: 'cartographe', memberships: [{ organizationId: ORG_REGION, role: 'member' }] });
    const outsider = await createUser({ username: 'curieux' });
    const allowed = await featureCollection('service=WFS&version=2.0.0&request=GetFeature&typeNames=zones_lambert_93&outputFormat=application/json', basic('cartographe', PASSWORD));
    expect(allowed.numberMatched).toBe(30);
    const caps = await (await get('service=WFS&request=GetCapabilities', basic(member.email, PASSWORD))).text();
    expect(caps).toContain('region-test:zones_lambert_93');
    const refused = await get('service=WFS&version=2.0.0&request=GetFeature&typeNames=zones_lambert_93', basic('curieux', PASSWORD));
    expect(refused.status).toBe(403);
    expect(outsider.id).toBeTruthy();
    const wrong = await get('service=WFS&request=GetCapabilities', basic('cartographe', 'mauvais mot de passe'));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Identifiants refusés');
    const token = 'abcdefghijklmnopqrstuvwxyz234567';
    await env.DB.prepare("INSERT INTO api_tokens (id, user_id, name, token_hash, scope, created_at) VALUES (?, ?, 'QGIS', ?, 'read', ?)")
      .bind(crypto.randomUUID(), member.id, hashSecret(token), new Date().toISOString()).run();
    const withToken = await featureCollection('service=WFS&version=2.0.0&request=GetFeature&typeNames=zones_lambert_93&count=2&outputFormat=application/json', basic('qgis', token));
    expect(withToken.features).toHaveLength(2);
  });
});
