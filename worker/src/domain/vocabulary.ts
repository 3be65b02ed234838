// Controlled vocabularies of the catalogue (codes only; labels live in the i18n table).
// Codes follow IDGO / CKAN where they exist so harvesters and exports can map them 1:1.

export const UPDATE_FREQUENCIES = [
  'asneeded', 'never', 'intermittently', 'continuously', 'realtime', 'daily', 'weekly',
  'fortnightly', 'monthly', 'quarterly', 'semiannual', 'annual', 'unknown',
] as const;
export type UpdateFrequency = (typeof UPDATE_FREQUENCIES)[number];

export const GRANULARITIES = [
  'undefined', 'region', 'departement', 'epci', 'commune', 'iris', 'parcel', 'poi',
] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const GEOCOVERS = ['computed', 'regional', 'jurisdiction', 'bbox'] as const;
export type Geocover = (typeof GEOCOVERS)[number];

export const DATA_TYPES = ['open', 'smart', 'geo'] as const;
export type DataType = (typeof DATA_TYPES)[number];

export const ACCESS_LEVELS = [
  'public', 'registered', 'listed_users', 'listed_organizations', 'same_organization',
] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export const RESOURCE_TYPES = ['raw', 'documentation', 'service'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const SOURCE_MODES = ['upload', 'url_download', 'url_reference', 'sftp'] as const;
export type SourceMode = (typeof SOURCE_MODES)[number];

export const SYNC_FREQUENCIES = [
  'never', 'hourly', 'every6hours', 'daily', 'weekly', 'bimonthly', 'monthly', 'quarterly', 'semiannual', 'annual',
] as const;
export type SyncFrequency = (typeof SYNC_FREQUENCIES)[number];

export const SHOWCASE_TYPES = ['application', 'visualization', 'article', 'api', 'other'] as const;
export type ShowcaseType = (typeof SHOWCASE_TYPES)[number];

export const ORGANIZATION_TYPES = [
  'region', 'departement', 'commune', 'epci', 'syndicat', 'etat', 'etablissement-public', 'gip',
  'universite', 'association', 'entreprise', 'autre',
] as const;
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];

/** Resource formats (IDGO's list, trimmed of duplicates). `label` is what users see; `gis`/`tabular` drive later ingest. */
export interface FormatInfo {
  code: string;
  label: string;
  extensions: string[];
  mediaType: string;
  gis: boolean;
  tabular: boolean;
}

const f = (code: string, label: string, extensions: string[], mediaType: string, gis = false, tabular = false): FormatInfo =>
  ({ code, label, extensions, mediaType, gis, tabular });

export const FORMATS: readonly FormatInfo[] = [
  f('CSV', 'CSV', ['csv', 'tsv'], 'text/csv', false, true),
  f('XLS', 'XLS', ['xls'], 'application/vnd.ms-excel', false, true),
  f('XLSX', 'XLSX', ['xlsx'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', false, true),
  f('ODS', 'ODS', ['ods'], 'application/vnd.oasis.opendocument.spreadsheet'),
  f('JSON', 'JSON', ['json'], 'application/json', false, true),
  f('GeoJSON', 'GeoJSON', ['geojson'], 'application/geo+json', true, true),
  f('SHP', 'ESRI Shapefile (Fichier ZIP)', ['zip'], 'application/zip', true),
  f('MIF', 'Mapinfo MIF/MID (Fichier ZIP)', ['zip'], 'application/zip', true),
  f('TAB', 'Mapinfo TAB (Fichier ZIP)', ['zip'], 'application/zip', true),
  f('GPKG', 'GeoPackage', ['gpkg'], 'application/geopackage+sqlite3', true),
  f('KML', 'KML', ['kml'], 'application/vnd.google-earth.kml+xml', true),
  f('GPX', 'GPX', ['gpx'], 'application/gpx+xml', true),
  f('GeoTIFF', 'GeoTIFF', ['tif', 'tiff'], 'image/tiff', true),
  f('ZIP', 'ZIP', ['zip'], 'application/zip'),
  f('7Z', '7Z', ['7z'], 'application/x-7z-compressed'),
  f('PDF', 'PDF', ['pdf'], 'application/pdf'),
  f('HTML', 'HTML', ['html', 'htm'], 'text/html'),
  f('XML', 'XML', ['xml'], 'application/xml'),
  f('TXT', 'TXT', ['txt'], 'text/plain'),
  f('DOC', 'DOC', ['doc'], 'application/msword'),
  f('DOCX', 'DOCX', ['docx'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
  f('ODT', 'ODT', ['odt'], 'application/vnd.oasis.opendocument.text'),
  f('JPEG', 'JPEG', ['jpg', 'jpeg'], 'image/jpeg'),
  f('PNG', 'PNG', ['png'], 'image/png'),
  f('GTFS', 'GTFS', ['zip'], 'application/zip'),
  f('WMS', 'WMS', [], 'application/vnd.ogc.wms_xml'),
  f('WFS', 'WFS', [], 'application/vnd.ogc.wfs_xml'),
  f('API', 'API', [], 'application/json'),
];

export function formatInfo(code: string): FormatInfo | undefined {
  return FORMATS.find((fmt) => fmt.code === code);
}
