// WFS 1.1.0 and 2.0.0 documents: capabilities (what GDAL, QGIS and owslib read: DCP Get and Post URLs, ImplementsResultPaging,
// the scalar and logical operators GDAL requires before sending a -where to the server) and DescribeFeatureType
// (an XSD whose targetNamespace is the type-name prefix's namespace, geometry typed gml:*PropertyType).
import { xmlEscape as x } from './ogc-params';
import { gmlPropertyType } from './gml';
import { SUPPORTED_CRS } from './geo-crs';

export type WfsVersion = '1.1.0' | '2.0.0';

export interface WfsLayer {
  name: string;
  title: string;
  abstract: string;
  geometryType: string;
  bbox: [number, number, number, number];
  fields: ReadonlyArray<{ name: string; type: string }>;
}

export interface WfsService {
  title: string;
  abstract: string;
  /** Public endpoint URL ending with '?'. */
  url: string;
  prefix: string;
  namespace: string;
}

export const GML32_FORMAT = 'application/gml+xml; version=3.2';
export const GML311_FORMAT = 'text/xml; subtype=gml/3.1.1';
export const JSON_FORMAT = 'application/json';

/** urn form of a CRS code, the one the capabilities advertise. */
export const urnOf = (code: string) => `urn:ogc:def:crs:EPSG::${code.split(':')[1]}`;
const OTHER_CRS = SUPPORTED_CRS.filter((c) => c !== 'EPSG:4326');

const XSD_TYPES: Record<string, string> = { string: 'xsd:string', integer: 'xsd:long', number: 'xsd:double', boolean: 'xsd:boolean' };

// Post takes the XML encoding (and form-encoded KVP); its href is the endpoint itself, without the KVP '?'.
const operation = (name: string, url: string, inner = '') =>
  `<ows:Operation name="${name}"><ows:DCP><ows:HTTP><ows:Get xlink:href="${x(url)}"/><ows:Post xlink:href="${x(url.replace(/\?$/, ''))}"/></ows:HTTP></ows:DCP>${inner}</ows:Operation>`;

export function wfsCapabilities(version: WfsVersion, service: WfsService, layers: readonly WfsLayer[]): string {
  const v2 = version === '2.0.0';
  const ident = `<ows:ServiceIdentification><ows:Title>${x(service.title)}</ows:Title><ows:Abstract>${x(service.abstract)}</ows:Abstract>`
    + `<ows:ServiceType${v2 ? ' codeSpace="OGC"' : ''}>WFS</ows:ServiceType><ows:ServiceTypeVersion>2.0.0</ows:ServiceTypeVersion>`
    + '<ows:ServiceTypeVersion>1.1.0</ows:ServiceTypeVersion><ows:Fees>none</ows:Fees><ows:AccessConstraints>none</ows:AccessConstraints></ows:ServiceIdentification>'
    + `<ows:ServiceProvider><ows:ProviderName>${x(service.title)}</ows:ProviderName></ows:ServiceProvider>`;
  const formats = v2 ? [GML32_FORMAT, 'text/xml; subtype=gml/3.2', GML311_FORMAT, JSON_FORMAT] : [GML311_FORMAT, GML32_FORMAT, JSON_FORMAT];
  const values = (list: readonly string[]) => (v2
    ? `<ows:AllowedValues>${list.map((f) => `<ows:Value>${x(f)}</ows:Value>`).join('')}</ows:AllowedValues>`
    : list.map((f) => `<ows:Value>${x(f)}</ows:Value>`).join(''));
  const parameter = (name: string, list: readonly string[]) => `<ows:Parameter name="${name}">${values(list)}</ows:Parameter>`;
  const constraint = (name: string, value: string) => (v2
    ? `<ows:Constraint name="${name}"><ows:NoValues/><ows:DefaultValue>${value}</ows:DefaultValue></ows:Constraint>`
    : '');
  const operations = '<ows:OperationsMetadata>'
    + operation('GetCapabilities', service.url, parameter('AcceptVersions', ['2.0.0', '1.1.0']))
    + operation('DescribeFeatureType', service.url, parameter('outputFormat', v2 ? ['application/gml+xml; version=3.2'] : ['text/xml; subtype=gml/3.1.1']))
    + operation('GetFeature', service.url, parameter('outputFormat', formats) + parameter('resultType', ['results', 'hits']))
    + (v2 ? constraint('ImplementsBasicWFS', 'TRUE') + constraint('ImplementsTransactionalWFS', 'FALSE') + constraint('ImplementsLockingWFS', 'FALSE')
      + constraint('KVPEncoding', 'TRUE') + constraint('XMLEncoding', 'TRUE') + constraint('SOAPEncoding', 'FALSE')
      + constraint('ImplementsInheritance', 'FALSE') + constraint('ImplementsRemoteResolve', 'FALSE') + constraint('ImplementsResultPaging', 'TRUE')
      // QGIS pages by CountDefault; not enforced, as GDAL's WFS 1.1.0 reads a layer in one request.
      + constraint('CountDefault', '1000')
      + constraint('ImplementsStandardJoins', 'FALSE') + constraint('ImplementsSpatialJoins', 'FALSE') + constraint('ImplementsTemporalJoins', 'FALSE')
      + constraint('ImplementsFeatureVersioning', 'FALSE') + constraint('ManageStoredQueries', 'FALSE')
      : '')
    + '</ows:OperationsMetadata>';
  const crsTag = v2 ? 'CRS' : 'SRS';
  const types = layers.map((l) => '<wfs:FeatureType>'
    + `<wfs:Name>${x(service.prefix)}:${x(l.name)}</wfs:Name><wfs:Title>${x(l.title)}</wfs:Title><wfs:Abstract>${x(l.abstract)}</wfs:Abstract>`
    + `<wfs:Default${crsTag}>${urnOf('EPSG:4326')}</wfs:Default${crsTag}>`
    + OTHER_CRS.map((c) => `<wfs:Other${crsTag}>${urnOf(c)}</wfs:Other${crsTag}>`).join('')
    + `<wfs:OutputFormats>${formats.map((f) => `<wfs:Format>${x(f)}</wfs:Format>`).join('')}</wfs:OutputFormats>`
    + `<ows:WGS84BoundingBox><ows:LowerCorner>${l.bbox[0]} ${l.bbox[1]}</ows:LowerCorner><ows:UpperCorner>${l.bbox[2]} ${l.bbox[3]}</ows:UpperCorner></ows:WGS84BoundingBox>`
    + '</wfs:FeatureType>').join('');
  const featureTypes = `<wfs:FeatureTypeList>${v2 ? '' : '<wfs:Operations><wfs:Operation>Query</wfs:Operation></wfs:Operations>'}${types}</wfs:FeatureTypeList>`;
  const filter = v2 ? filterCapabilities20() : filterCapabilities11();
  const root = v2
    ? `<wfs:WFS_Capabilities version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:ows="http://www.opengis.net/ows/1.1" xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:${service.prefix}="${x(service.namespace)}" xsi:schemaLocation="http://www.opengis.net/wfs/2.0 http://schemas.opengis.net/wfs/2.0/wfs.xsd">`
    : `<wfs:WFS_Capabilities version="1.1.0" xmlns:wfs="http://www.opengis.net/wfs" xmlns:ows="http://www.opengis.net/ows" xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:${service.prefix}="${x(service.namespace)}" xsi:schemaLocation="http://www.opengis.net/wfs http://schemas.opengis.net/wfs/1.1.0/wfs.xsd">`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}${ident}${operations}${featureTypes}${filter}</wfs:WFS_Capabilities>\n`;
}

const COMPARISONS_20 = ['PropertyIsEqualTo', 'PropertyIsNotEqualTo', 'PropertyIsLessThan', 'PropertyIsGreaterThan', 'PropertyIsLessThanOrEqualTo',
  'PropertyIsGreaterThanOrEqualTo', 'PropertyIsLike', 'PropertyIsNull', 'PropertyIsBetween'];
const COMPARISONS_11 = ['LessThan', 'GreaterThan', 'LessThanEqualTo', 'GreaterThanEqualTo', 'EqualTo', 'NotEqualTo', 'Like', 'Between', 'NullCheck'];

function filterCapabilities20(): string {
  const c = (name: string, value: string) => `<fes:Constraint name="${name}"><ows:NoValues/><ows:DefaultValue>${value}</ows:DefaultValue></fes:Constraint>`;
  return '<fes:Filter_Capabilities><fes:Conformance>'
    + c('ImplementsQuery', 'TRUE') + c('ImplementsAdHocQuery', 'TRUE') + c('ImplementsFunctions', 'FALSE') + c('ImplementsResourceId', 'TRUE')
    + c('ImplementsMinStandardFilter', 'TRUE') + c('ImplementsStandardFilter', 'TRUE') + c('ImplementsMinSpatialFilter', 'TRUE')
    + c('ImplementsSpatialFilter', 'FALSE') + c('ImplementsMinTemporalFilter', 'FALSE') + c('ImplementsTemporalFilter', 'FALSE')
    + c('ImplementsVersionNav', 'FALSE') + c('ImplementsSorting', 'FALSE') + c('ImplementsExtendedOperators', 'FALSE')
    + c('ImplementsMinimumXPath', 'TRUE') + c('ImplementsSchemaElementFunc', 'FALSE')
    + '</fes:Conformance><fes:Id_Capabilities><fes:ResourceIdentifier name="fes:ResourceId"/></fes:Id_Capabilities>'
    + '<fes:Scalar_Capabilities><fes:LogicalOperators/><fes:ComparisonOperators>'
    + COMPARISONS_20.map((o) => `<fes:ComparisonOperator name="${o}"/>`).join('')
    + '</fes:ComparisonOperators></fes:Scalar_Capabilities>'
    + '<fes:Spatial_Capabilities><fes:GeometryOperands><fes:GeometryOperand name="gml:Envelope"/></fes:GeometryOperands>'
    + '<fes:SpatialOperators><fes:SpatialOperator name="BBOX"/></fes:SpatialOperators></fes:Spatial_Capabilities></fes:Filter_Capabilities>';
}

function filterCapabilities11(): string {
  return '<ogc:Filter_Capabilities><ogc:Spatial_Capabilities><ogc:GeometryOperands><ogc:GeometryOperand>gml:Envelope</ogc:GeometryOperand></ogc:GeometryOperands>'
    + '<ogc:SpatialOperators><ogc:SpatialOperator name="BBOX"/></ogc:SpatialOperators></ogc:Spatial_Capabilities>'
    + '<ogc:Scalar_Capabilities><ogc:LogicalOperators/><ogc:ComparisonOperators>'
    + COMPARISONS_11.map((o) => `<ogc:ComparisonOperator>${o}</ogc:ComparisonOperator>`).join('')
    + '</ogc:ComparisonOperators></ogc:Scalar_Capabilities><ogc:Id_Capabilities><ogc:EID/><ogc:FID/></ogc:Id_Capabilities></ogc:Filter_Capabilities>';
}

/** DescribeFeatureType: one element per layer, extending gml:AbstractFeatureType, geometry property first. */
export function wfsSchema(version: WfsVersion, service: WfsService, layers: readonly WfsLayer[]): string {
  const gml = version === '2.0.0'
    ? { ns: 'http://www.opengis.net/gml/3.2', location: 'http://schemas.opengis.net/gml/3.2.1/gml.xsd' }
    : { ns: 'http://www.opengis.net/gml', location: 'http://schemas.opengis.net/gml/3.1.1/base/gml.xsd' };
  const types = layers.map((l) => `<xsd:complexType name="${x(l.name)}Type"><xsd:complexContent><xsd:extension base="gml:AbstractFeatureType"><xsd:sequence>`
    + `<xsd:element name="geometry" type="${gmlPropertyType(l.geometryType)}" minOccurs="0" maxOccurs="1" nillable="true"/>`
    + l.fields.map((f) => `<xsd:element name="${x(f.name)}" type="${XSD_TYPES[f.type] ?? 'xsd:string'}" minOccurs="0" maxOccurs="1" nillable="true"/>`).join('')
    + '</xsd:sequence></xsd:extension></xsd:complexContent></xsd:complexType>'
    + `<xsd:element name="${x(l.name)}" type="${x(service.prefix)}:${x(l.name)}Type" substitutionGroup="gml:${version === '2.0.0' ? 'AbstractFeature' : '_Feature'}"/>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:gml="${gml.ns}" `
    + `xmlns:${service.prefix}="${x(service.namespace)}" targetNamespace="${x(service.namespace)}" elementFormDefault="qualified" version="1.0">`
    + `<xsd:import namespace="${gml.ns}" schemaLocation="${gml.location}"/>${types}</xsd:schema>\n`;
}
