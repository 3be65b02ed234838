// Reading geographic files into GeoJSON features in their own CRS: GeoJSON, zipped Shapefile, KML, GPX, CSV with
// coordinate columns (GeoPackage: jobs/geopackage.ts, it needs WebAssembly). Every refusal is a GeoError with a
// precise French message.
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { unzipSync } from 'fflate';
import { open as openShapefile } from 'shapefile';
import { DOMParser } from '@xmldom/xmldom';
import { gpx, kml } from '@tmcw/togeojson';
import { crsCode, crsFromWkt, UnknownCrs } from './geo-crs';
import { csvSource } from './datastore-sources';
import { TabularError } from './datastore-text';

export class GeoError extends Error {}

export type GeoKind = 'geojson' | 'shapefile' | 'geopackage' | 'kml' | 'gpx' | 'csv';

export interface GeoRead {
  features: Array<Feature<Geometry | null, Record<string, unknown> | null>>;
  /** CRS found in the file (EPSG code or WKT), null when the file does not say. */
  crs: string | null;
  /** Encoding the attributes were read in (Shapefile). */
  encoding?: string;
}

/** The geographic kind of a resource from its catalogue format and file name, or null (not a layer source). */
export function geoKind(format: string, fileName: string | null): GeoKind | null {
  const ext = fileName?.toLowerCase().split('.').pop() ?? '';
  switch (format) {
    case 'GeoJSON': return 'geojson';
    case 'SHP': return 'shapefile';
    case 'GPKG': return 'geopackage';
    case 'KML': return 'kml';
    case 'GPX': return 'gpx';
    case 'CSV': return 'csv';
    case 'JSON': return ext === 'geojson' ? 'geojson' : null;
    default: return null;
  }
}

const ZIP_MAX_ENTRIES = 1000;

export function readGeojson(bytes: Uint8Array): GeoRead {
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new GeoError('Le fichier GeoJSON n’est pas un JSON valide : vérifiez qu’il est complet et encodé en UTF-8.');
  }
  const object = data as { type?: string; features?: unknown; crs?: { properties?: { name?: string } }; geometry?: unknown };
  let features: GeoRead['features'];
  if (object?.type === 'FeatureCollection' && Array.isArray(object.features)) features = object.features as GeoRead['features'];
  else if (object?.type === 'Feature') features = [object as Feature<Geometry, Record<string, unknown>>];
  else throw new GeoError('Le fichier n’est pas un GeoJSON : un objet « FeatureCollection » ou « Feature » est attendu.');
  const crsName = object.crs?.properties?.name;
  let crs: string | null = null;
  if (crsName) {
    crs = crsCode(crsName);
    if (!crs) throw new GeoError(`Système de coordonnées du GeoJSON non reconnu : « ${crsName} ». Choisissez-le parmi la liste proposée.`);
  }
  return { features, crs };
}

/** Encoding label for TextDecoder from a .cpg file's content. */
function cpgEncoding(cpg: string): string {
  const value = cpg.trim().toLowerCase();
  if (/^(utf-?8|65001)$/.test(value)) return 'utf-8';
  if (/^(ansi ?)?1252$|^(iso-?8859-?1|latin-?1|88591|cp1252|windows-1252)$/.test(value)) return 'windows-1252';
  if (/^(iso-?8859-?15|885915|latin-?9)$/.test(value)) return 'iso-8859-15';
  try {
    new TextDecoder(value);
    return value;
  } catch {
    throw new GeoError(`Encodage du fichier .cpg non reconnu : « ${cpg.trim().slice(0, 40)} ».`);
  }
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Checks the .shp header against the file: a header announcing more bytes than there are is refused at once. */
function checkShpHeader(shp: Uint8Array): void {
  if (shp.byteLength < 100) throw new GeoError('Le fichier .shp est tronqué : son en-tête de 100 octets est incomplet.');
  const view = new DataView(shp.buffer, shp.byteOffset, shp.byteLength);
  if (view.getInt32(0, false) !== 9994) throw new GeoError('Le fichier .shp n’est pas un Shapefile (signature 9994 absente).');
  const announced = view.getInt32(24, false) * 2;
  if (announced !== shp.byteLength) {
    throw new GeoError(`L’en-tête du fichier .shp annonce ${announced.toLocaleString('fr-FR')} octets mais le fichier en contient `
      + `${shp.byteLength.toLocaleString('fr-FR')} : le fichier est tronqué ou corrompu.`);
  }
}

function checkDbfHeader(dbf: Uint8Array): void {
  if (dbf.byteLength < 32) throw new GeoError('Le fichier .dbf est tronqué : son en-tête est incomplet.');
  const view = new DataView(dbf.buffer, dbf.byteOffset, dbf.byteLength);
  const records = view.getUint32(4, true);
  const headerLength = view.getUint16(8, true);
  const recordLength = view.getUint16(10, true);
  if (headerLength + records * recordLength > dbf.byteLength + 1) {
    throw new GeoError(`L’en-tête du fichier .dbf annonce ${records.toLocaleString('fr-FR')} enregistrements, plus que le fichier n’en contient : il est tronqué ou corrompu.`);
  }
}

export async function readShapefileZip(bytes: Uint8Array): Promise<GeoRead> {
  let entries: Record<string, Uint8Array>;
  try {
    let count = 0;
    entries = unzipSync(bytes, {
      filter: (file) => {
        if (++count > ZIP_MAX_ENTRIES) throw new GeoError(`L’archive ZIP contient plus de ${ZIP_MAX_ENTRIES} fichiers.`);
        return /\.(shp|shx|dbf|prj|cpg)$/i.test(file.name) && !file.name.startsWith('__MACOSX/');
      },
    });
  } catch (error) {
    if (error instanceof GeoError) throw error;
    throw new GeoError('L’archive ZIP est illisible (fichier tronqué ou corrompu) : déposez-la à nouveau.');
  }
  const names = Object.keys(entries);
  const shpName = names.find((n) => /\.shp$/i.test(n));
  if (!shpName) throw new GeoError('L’archive ZIP ne contient aucun fichier .shp : un Shapefile zippé doit contenir au moins les fichiers .shp, .shx et .dbf.');
  const base = shpName.slice(0, -4);
  const sibling = (ext: string) => {
    const name = names.find((n) => n.toLowerCase() === `${base}.${ext}`.toLowerCase());
    return name ? entries[name]! : null;
  };
  const shp = entries[shpName]!;
  checkShpHeader(shp);
  const dbf = sibling('dbf');
  if (dbf) checkDbfHeader(dbf);
  const prj = sibling('prj');
  const cpg = sibling('cpg');
  let crs: string | null = null;
  if (prj) {
    const wkt = new TextDecoder().decode(prj);
    try {
      crs = crsFromWkt(wkt);
    } catch (error) {
      if (error instanceof UnknownCrs) {
        throw new GeoError(`Le système de coordonnées du fichier .prj n’est pas reconnu (« ${wkt.slice(0, 80)} ») : choisissez-le parmi la liste proposée.`);
      }
      throw error;
    }
  }
  const encoding = cpg ? cpgEncoding(new TextDecoder().decode(cpg)) : dbf && isUtf8(dbf) ? 'utf-8' : 'windows-1252';
  const features: GeoRead['features'] = [];
  try {
    const source = await openShapefile(shp, dbf ?? undefined, { encoding });
    for (let result = await source.read(); !result.done; result = await source.read()) {
      features.push(result.value as GeoRead['features'][number]);
    }
  } catch (error) {
    if (error instanceof GeoError) throw error;
    throw new GeoError(`Le Shapefile est illisible (${error instanceof Error ? error.message : 'erreur de lecture'}) : vérifiez les fichiers .shp et .dbf.`);
  }
  return { features, crs, encoding };
}

/** XML without DTD: entity declarations (the "billion laughs" bomb) are refused before parsing. */
type XmlDocument = Parameters<typeof kml>[0];

export function parseXmlDocument(text: string, what: string): XmlDocument {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new GeoError(`Le fichier ${what} contient une déclaration DOCTYPE ou ENTITY, refusée par sécurité.`);
  let failed = false;
  const document = new DOMParser({ onError: (level) => { if (level !== 'warning') failed = true; } }).parseFromString(text, 'text/xml');
  if (failed || !document.documentElement) throw new GeoError(`Le fichier ${what} n’est pas un XML valide.`);
  return document as unknown as XmlDocument;
}

export function readKml(bytes: Uint8Array): GeoRead {
  const collection = kml(parseXmlDocument(new TextDecoder().decode(bytes), 'KML')) as FeatureCollection;
  return { features: collection.features as GeoRead['features'], crs: 'EPSG:4326' };
}

export function readGpx(bytes: Uint8Array): GeoRead {
  const collection = gpx(parseXmlDocument(new TextDecoder().decode(bytes), 'GPX')) as FeatureCollection;
  return { features: collection.features as GeoRead['features'], crs: 'EPSG:4326' };
}

const LON = /^(lon|lng|long|longitude|x|coord_?x|x_?wgs84)$/i;
const LAT = /^(lat|latitude|y|coord_?y|y_?wgs84)$/i;

/** The coordinate columns of a CSV header, or null when it has none (the CSV is then not a layer). */
export function coordinateColumns(titles: readonly string[]): { lon: number; lat: number } | null {
  const lon = titles.findIndex((t) => LON.test(t.trim()));
  const lat = titles.findIndex((t) => LAT.test(t.trim()));
  return lon >= 0 && lat >= 0 ? { lon, lat } : null;
}

const number = (cell: string | null) => (cell === null || cell.trim() === '' ? NaN : Number(cell.trim().replace(',', '.')));

/** Points from a CSV's coordinate columns; rows without valid coordinates are counted and skipped. */
export async function readCsvPoints(open: () => Promise<ReadableStream<Uint8Array>>): Promise<GeoRead & { skippedRows: number } | null> {
  let source;
  try {
    source = await csvSource(open);
  } catch (error) {
    if (error instanceof TabularError) throw new GeoError('Le fichier CSV est illisible (vide ou non textuel).');
    throw error;
  }
  const columns = coordinateColumns(source.titles);
  if (!columns) return null;
  const features: GeoRead['features'] = [];
  let skippedRows = 0;
  for await (const batch of source.rows()) {
    for (const { cells } of batch) {
      const x = number(cells[columns.lon] ?? null);
      const y = number(cells[columns.lat] ?? null);
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        skippedRows++;
        continue;
      }
      const properties: Record<string, unknown> = {};
      source.titles.forEach((title, i) => {
        if (i !== columns.lon && i !== columns.lat) properties[title] = cells[i] ?? null;
      });
      features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [x, y] }, properties });
    }
  }
  return { features, crs: null, skippedRows };
}
