import { describe, expect, it } from 'vitest';
import { OgcParams } from '../../worker/src/domain/ogc-params';
import { compileFilter, FilterError, parseFilter, parseXml } from '../../worker/src/domain/wfs-filter';
import { gmlGeometry } from '../../worker/src/domain/gml';
import { parseWfsXmlRequest, WfsXmlError } from '../../worker/src/domain/wfs-xml-request';
import { crsCode, crsFromWkt, transformer } from '../../worker/src/domain/geo-crs';
import { fieldNames, layerName } from '../../worker/src/domain/geo-layer-build';

describe('OGC KVP parameters', () => {
  it('reads names in any case, first occurrence first, lists trimmed', () => {
    const params = new OgcParams(new URLSearchParams('SERVICE=WFS&request=GetFeature&TypeName=a:b,%20c&typename=ignored&styles='));
    expect(params.get('service')).toBe('WFS');
    expect(params.get('REQUEST')).toBe('GetFeature');
    expect(params.list('typenames', 'typename')).toEqual(['a:b', 'c']);
    expect(params.get('STYLES')).toBe('');
    expect(params.get('missing')).toBeUndefined();
  });
});

describe('WFS filters', () => {
  const test = (xml: string, properties: Record<string, unknown>, box: [number, number, number, number] = [0, 0, 0, 0]) =>
    compileFilter(parseFilter(xml), () => true).test(properties, box, 'layer.1');

  it('evaluates comparisons numerically or as text, Like patterns, Between, Null and logic', () => {
    const eq = '<Filter><PropertyIsEqualTo><PropertyName>n</PropertyName><Literal>10</Literal></PropertyIsEqualTo></Filter>';
    expect(test(eq, { n: 10 })).toBe(true);
    expect(test(eq, { n: 9 })).toBe(false);
    const lt = '<Filter><PropertyIsLessThan><ValueReference>org:n</ValueReference><Literal>9</Literal></PropertyIsLessThan></Filter>';
    expect(test(lt, { n: 10 })).toBe(false);
    expect(test(lt, { n: 8.5 })).toBe(true);
    const like = '<Filter><PropertyIsLike wildCard="%" singleChar="_" escapeChar="\\"><ValueReference>nom</ValueReference><Literal>N_mes%\\%</Literal></PropertyIsLike></Filter>';
    expect(test(like, { nom: 'Nîmes centre %' })).toBe(true);
    expect(test(like, { nom: 'Nîmes centre' })).toBe(false);
    const logic = '<Filter><Or><Not><PropertyIsNull><ValueReference>a</ValueReference></PropertyIsNull></Not>'
      + '<PropertyIsBetween><ValueReference>b</ValueReference><LowerBoundary><Literal>1</Literal></LowerBoundary><UpperBoundary><Literal>3</Literal></UpperBoundary></PropertyIsBetween></Or></Filter>';
    expect(test(logic, { a: null, b: 2 })).toBe(true);
    expect(test(logic, { a: null, b: 4 })).toBe(false);
    expect(test(logic, { a: 'x', b: 4 })).toBe(true);
  });

  it('reads gml:Envelope and the GML 2 gml:Box, and resource ids', () => {
    const envelope = parseFilter('<Filter xmlns:gml="http://www.opengis.net/gml/3.2"><BBOX><ValueReference>geometry</ValueReference><gml:Envelope srsName="EPSG:2154"><gml:lowerCorner>1 2</gml:lowerCorner><gml:upperCorner>3 4</gml:upperCorner></gml:Envelope></BBOX></Filter>');
    expect(envelope).toEqual({ op: 'bbox', box: { lower: [1, 2], upper: [3, 4], srsName: 'EPSG:2154' } });
    const box = parseFilter('<Filter xmlns:gml="http://www.opengis.net/gml"><BBOX><PropertyName>geometry</PropertyName><gml:Box><gml:coordinates>47.36,8.5 47.385,8.54</gml:coordinates></gml:Box></BBOX></Filter>');
    expect(box).toEqual({ op: 'bbox', box: { lower: [47.36, 8.5], upper: [47.385, 8.54], srsName: null } });
    expect(parseFilter('<Filter><ResourceId rid="a.1"/><ResourceId rid="a.2"/></Filter>')).toEqual({ op: 'ids', ids: ['a.1', 'a.2'] });
  });

  it('refuses DTDs (entity bombs), deep nesting, broken XML and unknown operators', () => {
    const bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Filter>&b;</Filter>';
    expect(() => parseFilter(bomb)).toThrow(/DOCTYPE/);
    const deep = `<Filter>${'<Not>'.repeat(10_000)}<PropertyIsNull><ValueReference>a</ValueReference></PropertyIsNull>${'</Not>'.repeat(10_000)}</Filter>`;
    expect(() => parseFilter(deep)).toThrow(/imbriqué sur plus de 50 niveaux/);
    expect(() => parseFilter('<Filter><And>')).toThrow(FilterError);
    expect(() => parseFilter('<Filter><Intersects/></Filter>')).toThrow(/non pris en charge : Intersects/);
    expect(() => parseXml('<a>&undefined;</a>')).toThrow(FilterError);
  });
});

describe('GML geometries', () => {
  it('writes GML 3.2 with ids and lat/lon order when asked, GML 3.1.1 without ids', () => {
    const point = gmlGeometry({ type: 'Point', coordinates: [3.6, 43.5] }, { version: '3.2', srsName: 'urn:ogc:def:crs:EPSG::4326', swap: true, id: 'l.1.geom', precision: 8 });
    expect(point).toBe('<gml:Point gml:id="l.1.geom" srsName="urn:ogc:def:crs:EPSG::4326" srsDimension="2"><gml:pos>43.5 3.6</gml:pos></gml:Point>');
    const polygon = gmlGeometry({ type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]], [[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.2]]]] },
      { version: '3.1.1', srsName: 'EPSG:2154', swap: false, id: 'x', precision: 2 });
    expect(polygon).toBe('<gml:MultiSurface srsName="EPSG:2154" srsDimension="2"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>0 0 1 0 1 1 0 0</gml:posList></gml:LinearRing></gml:exterior>'
      + '<gml:interior><gml:LinearRing><gml:posList>0.2 0.2 0.4 0.2 0.4 0.4 0.2 0.2</gml:posList></gml:LinearRing></gml:interior></gml:Polygon></gml:surfaceMember></gml:MultiSurface>');
  });
});

describe('coordinate reference systems and names', () => {
  it('recognises CRS names and .prj files, and reprojects Lambert 93 and the CC zones', () => {
    expect(crsCode('urn:ogc:def:crs:EPSG::2154')).toBe('EPSG:2154');
    expect(crsCode('http://www.opengis.net/def/crs/EPSG/0/3944')).toBe('EPSG:3944');
    expect(crsCode('CRS:84')).toBe('EPSG:4326');
    expect(crsFromWkt('PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",44.0],PARAMETER["Standard_Parallel_2",49.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]')).toBe('EPSG:2154');
    // gdaltransform -s_srs OGC:CRS84 -t_srs EPSG:2154 / EPSG:3943 on 3.6 43.5.
    const [x, y] = transformer('EPSG:4326', 'EPSG:2154')([3.6, 43.5]);
    expect(x).toBeCloseTo(748545.46, 1);
    expect(y).toBeCloseTo(6266952.83, 1);
    const [cx, cy] = transformer('EPSG:4326', 'EPSG:3943')([3.6, 43.5]);
    expect(cx).toBeCloseTo(1748523.29, 1);
    expect(cy).toBeCloseTo(2255718.04, 1);
  });

  it('makes OGC-safe, unique layer and attribute names', () => {
    expect(layerName('Aires de covoiturage (Shapefile zippé)', new Set())).toBe('aires_de_covoiturage_shapefile_zippe');
    expect(layerName('2024 : bornes', new Set(['couche_2024_bornes']))).toBe('couche_2024_bornes_2');
    expect(fieldNames(['Nom', 'nom', '1er', 'code postal', 'geometry', 'xmlns'])).toEqual(['Nom', 'nom_2', '_1er', 'code_postal', 'geometry_2', '_xmlns']);
  });
});

describe('WFS requests in XML', () => {
  it('reads OWSLib’s 1.1.0 POST: typeName, maxFeatures, unqualified PropertyName, GmlObjectId', () => {
    const request = parseWfsXmlRequest('<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml" service="WFS" version="1.1.0" maxFeatures="3" outputFormat="application/json">'
      + '<wfs:Query typeName="org:poi"><PropertyName>org:nom</PropertyName><ogc:Filter><ogc:GmlObjectId gml:id="poi.2"/></ogc:Filter></wfs:Query></wfs:GetFeature>');
    expect(request.params).toEqual([['request', 'GetFeature'], ['service', 'WFS'], ['version', '1.1.0'], ['outputformat', 'application/json'], ['maxfeatures', '3']]);
    expect(request.queries).toEqual([{ typeNames: ['org:poi'], srsName: undefined, propertyNames: ['nom'], filter: { op: 'ids', ids: ['poi.2'] } }]);
  });

  it('reads OWSLib’s 2.0.0 POST: lower-case typenames and outputformat, count, startIndex, several type names', () => {
    const request = parseWfsXmlRequest('<GetFeature xmlns="http://www.opengis.net/wfs/2.0" service="WFS" version="2.0.0" count="10" startIndex="20" outputformat="application/json">'
      + '<Query typenames="org:poi,org:parcels" srsName="EPSG:2154"/></GetFeature>');
    expect(request.params).toContainEqual(['outputformat', 'application/json']);
    expect(request.params).toContainEqual(['count', '10']);
    expect(request.params).toContainEqual(['startindex', '20']);
    expect(request.queries[0]).toMatchObject({ typeNames: ['org:poi', 'org:parcels'], srsName: 'EPSG:2154', filter: null });
  });

  it('refuses a DOCTYPE, a StoredQuery and a query without type names with OGC codes', () => {
    const refusal = (xml: string) => {
      try {
        parseWfsXmlRequest(xml);
      } catch (error) {
        if (error instanceof WfsXmlError) return [error.code, error.message];
      }
      return null;
    };
    expect(refusal('<!DOCTYPE a [<!ENTITY x "x">]><GetFeature xmlns="http://www.opengis.net/wfs/2.0"/>')?.[1]).toContain('DOCTYPE');
    expect(refusal('<GetFeature xmlns="http://www.opengis.net/wfs/2.0"><StoredQuery id="x"/></GetFeature>')?.[0]).toBe('OperationNotSupported');
    expect(refusal('<GetFeature xmlns="http://www.opengis.net/wfs/2.0"><Query/></GetFeature>')?.[0]).toBe('MissingParameterValue');
  });
});
