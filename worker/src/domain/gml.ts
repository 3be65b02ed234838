// GML geometries for WFS responses: GML 3.1.1 (WFS 1.1.0) and GML 3.2 (WFS 2.0.0). Coordinates arrive already
// transformed to the output CRS, in x/y order; `swap` writes them y/x (lat/lon for urn:ogc:def:crs:EPSG::4326).
import type { Geometry, Position } from 'geojson';

export type GmlVersion = '3.1.1' | '3.2';

export interface GmlOptions {
  version: GmlVersion;
  srsName: string;
  swap: boolean;
  /** gml:id of the geometry (required by GML 3.2). */
  id: string;
  /** Decimal places kept (fewer for degrees than for metres). */
  precision: number;
}

const round = (value: number, precision: number) => {
  const factor = 10 ** precision;
  return Math.round(value * factor) / factor;
};

export function gmlGeometry(geometry: Geometry, options: GmlOptions): string {
  const { precision, swap } = options;
  const pos = (p: Position) => (swap ? `${round(p[1]!, precision)} ${round(p[0]!, precision)}` : `${round(p[0]!, precision)} ${round(p[1]!, precision)}`);
  const posList = (ps: Position[]) => ps.map(pos).join(' ');
  const srs = ` srsName="${options.srsName}" srsDimension="2"`;
  const id = options.version === '3.2' ? ` gml:id="${options.id}"` : '';
  const point = (p: Position, attrs = '') => `<gml:Point${attrs}><gml:pos>${pos(p)}</gml:pos></gml:Point>`;
  const line = (ps: Position[], attrs = '') => `<gml:LineString${attrs}><gml:posList>${posList(ps)}</gml:posList></gml:LineString>`;
  const polygon = (rings: Position[][], attrs = '') => {
    const [outer, ...inner] = rings;
    return `<gml:Polygon${attrs}><gml:exterior><gml:LinearRing><gml:posList>${posList(outer ?? [])}</gml:posList></gml:LinearRing></gml:exterior>`
      + inner.map((r) => `<gml:interior><gml:LinearRing><gml:posList>${posList(r)}</gml:posList></gml:LinearRing></gml:interior>`).join('')
      + '</gml:Polygon>';
  };
  const part = (n: number) => (options.version === '3.2' ? ` gml:id="${options.id}.${n}"` : '');
  switch (geometry.type) {
    case 'Point': return point(geometry.coordinates, `${id}${srs}`);
    case 'LineString': return line(geometry.coordinates, `${id}${srs}`);
    case 'Polygon': return polygon(geometry.coordinates, `${id}${srs}`);
    case 'MultiPoint':
      return `<gml:MultiPoint${id}${srs}>${geometry.coordinates.map((p, i) => `<gml:pointMember>${point(p, part(i))}</gml:pointMember>`).join('')}</gml:MultiPoint>`;
    case 'MultiLineString':
      return `<gml:MultiCurve${id}${srs}>${geometry.coordinates.map((l, i) => `<gml:curveMember>${line(l, part(i))}</gml:curveMember>`).join('')}</gml:MultiCurve>`;
    case 'MultiPolygon':
      return `<gml:MultiSurface${id}${srs}>${geometry.coordinates.map((p, i) => `<gml:surfaceMember>${polygon(p, part(i))}</gml:surfaceMember>`).join('')}</gml:MultiSurface>`;
    default:
      return '';
  }
}

/** The XSD type of a layer's geometry property in DescribeFeatureType. */
export function gmlPropertyType(geometryType: string): string {
  switch (geometryType) {
    case 'Point': return 'gml:PointPropertyType';
    case 'MultiPoint': return 'gml:MultiPointPropertyType';
    case 'LineString': return 'gml:LineStringPropertyType';
    case 'MultiLineString': return 'gml:MultiCurvePropertyType';
    case 'Polygon': return 'gml:PolygonPropertyType';
    case 'MultiPolygon': return 'gml:MultiSurfacePropertyType';
    default: return 'gml:GeometryPropertyType';
  }
}

/** Applies a coordinate transform to every position of a geometry. */
export function mapGeometry(geometry: Geometry, f: (p: Position) => Position): Geometry {
  switch (geometry.type) {
    case 'Point': return { type: 'Point', coordinates: f(geometry.coordinates) };
    case 'MultiPoint': return { type: 'MultiPoint', coordinates: geometry.coordinates.map(f) };
    case 'LineString': return { type: 'LineString', coordinates: geometry.coordinates.map(f) };
    case 'MultiLineString': return { type: 'MultiLineString', coordinates: geometry.coordinates.map((l) => l.map(f)) };
    case 'Polygon': return { type: 'Polygon', coordinates: geometry.coordinates.map((r) => r.map(f)) };
    case 'MultiPolygon': return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((p) => p.map((r) => r.map(f))) };
    default: return geometry;
  }
}
