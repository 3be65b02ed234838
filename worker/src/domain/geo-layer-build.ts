// From features read in their own CRS to a layer: one geometry family (single and multi parts promoted to multi),
// 2D coordinates reprojected to EPSG:4326, attribute names made XML-safe (they become GML elements) and typed.
import type { Feature, Geometry, Position } from 'geojson';
import { slugify } from './slug';
import { GeoError, type GeoRead } from './geo-sources';
import { crsLabel, transformer, UnknownCrs } from './geo-crs';
import type { FieldKind } from './flatgeobuf-writer';

export type LayerGeometry = 'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon';

export interface BuiltLayer {
  geometryType: LayerGeometry;
  fields: Array<{ name: string; type: FieldKind }>;
  features: Array<Feature<Geometry, Record<string, unknown>>>;
  /** Features without geometry, left out. */
  skipped: number;
}

const FAMILY: Record<string, 'point' | 'line' | 'polygon'> = {
  Point: 'point', MultiPoint: 'point', LineString: 'line', MultiLineString: 'line', Polygon: 'polygon', MultiPolygon: 'polygon',
};
const FAMILY_LABEL = { point: 'points', line: 'lignes', polygon: 'polygones' };
const SINGLE = { point: 'Point', line: 'LineString', polygon: 'Polygon' } as const;
const MULTI = { point: 'MultiPoint', line: 'MultiLineString', polygon: 'MultiPolygon' } as const;

/** An OGC-safe name (NCName, lower-case ASCII and underscores) from a title, unique among `taken`. */
export function layerName(title: string, taken: ReadonlySet<string>): string {
  let base = slugify(title, 60).replace(/-/g, '_') || 'couche';
  if (/^[0-9]/.test(base)) base = `couche_${base}`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

/** Attribute names as XML element names: letters, digits, '_', '-', '.', not starting with a digit; unique. */
export function fieldNames(names: readonly string[]): string[] {
  const used = new Set<string>(['geometry', 'gml_id']);
  return names.map((original) => {
    let name = original.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'champ';
    if (!/^[A-Za-z_]/.test(name) || /^xml/i.test(name)) name = `_${name}`;
    let unique = name;
    for (let i = 2; used.has(unique.toLowerCase()); i++) unique = `${name}_${i}`;
    used.add(unique.toLowerCase());
    return unique;
  });
}

function kindOf(values: unknown[]): FieldKind {
  const present = values.filter((v) => v !== null && v !== undefined && v !== '');
  if (present.length === 0) return 'string';
  if (present.every((v) => typeof v === 'boolean')) return 'boolean';
  if (present.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return present.every((v) => Number.isSafeInteger(v)) ? 'integer' : 'number';
  }
  return 'string';
}

function convert(value: unknown, kind: FieldKind): unknown {
  if (value === null || value === undefined) return null;
  if (kind === 'string') {
    if (value === '') return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return value === '' ? null : value;
}

export function buildLayer(read: GeoRead, sourceCrs: string): BuiltLayer {
  let family: 'point' | 'line' | 'polygon' | null = null;
  let multi = false;
  let skipped = 0;
  const kept: Array<Feature<Geometry, Record<string, unknown> | null>> = [];
  for (const feature of read.features) {
    const geometry = feature?.geometry;
    if (!geometry) {
      skipped++;
      continue;
    }
    const f = FAMILY[geometry.type];
    if (!f) {
      throw new GeoError(`Type de géométrie non pris en charge : « ${geometry.type} ». Une couche contient des points, des lignes ou des polygones (simples ou multiples).`);
    }
    if (family && family !== f) {
      throw new GeoError(`Le fichier mélange des ${FAMILY_LABEL[family]} et des ${FAMILY_LABEL[f]} : une couche ne contient qu’un type de géométrie. Séparez-les en plusieurs ressources.`);
    }
    family = f;
    if (geometry.type.startsWith('Multi')) multi = true;
    kept.push(feature as Feature<Geometry, Record<string, unknown> | null>);
  }
  if (!family || kept.length === 0) throw new GeoError('Le fichier ne contient aucun objet géographique (aucune géométrie).');

  let transform;
  try {
    transform = transformer(sourceCrs, 'EPSG:4326');
  } catch (error) {
    if (error instanceof UnknownCrs) throw new GeoError(`Système de coordonnées inconnu : « ${crsLabel(sourceCrs)} ». Choisissez-le parmi la liste proposée.`);
    throw error;
  }
  const outside = () => new GeoError(`Des coordonnées tombent hors du globe une fois reprojetées depuis ${crsLabel(sourceCrs)} : `
    + 'le système de coordonnées indiqué ne correspond sans doute pas aux données. Choisissez le bon dans la liste.');
  const point = (p: Position): Position => {
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) throw new GeoError('Une géométrie contient des coordonnées non numériques.');
    const [x, y] = transform(p);
    if (!(x >= -180.0001 && x <= 180.0001 && y >= -90.0001 && y <= 90.0001)) throw outside();
    return [x, y];
  };
  const line = (ps: Position[]) => ps.map(point);
  const polygon = (rings: Position[][]) => rings.map(line);

  const originalNames: string[] = [];
  const seen = new Set<string>();
  for (const feature of kept) {
    for (const key of Object.keys(feature.properties ?? {})) {
      if (!seen.has(key)) {
        seen.add(key);
        originalNames.push(key);
      }
    }
  }
  const names = fieldNames(originalNames);
  const kinds = originalNames.map((key) => kindOf(kept.map((f) => f.properties?.[key])));
  const type: LayerGeometry = multi ? MULTI[family] : SINGLE[family];

  const features = kept.map((feature) => {
    const g = feature.geometry;
    let geometry: Geometry;
    switch (g.type) {
      case 'Point': geometry = multi ? { type: 'MultiPoint', coordinates: [point(g.coordinates)] } : { type: 'Point', coordinates: point(g.coordinates) }; break;
      case 'MultiPoint': geometry = { type: 'MultiPoint', coordinates: line(g.coordinates) }; break;
      case 'LineString': geometry = multi ? { type: 'MultiLineString', coordinates: [line(g.coordinates)] } : { type: 'LineString', coordinates: line(g.coordinates) }; break;
      case 'MultiLineString': geometry = { type: 'MultiLineString', coordinates: g.coordinates.map(line) }; break;
      case 'Polygon': geometry = multi ? { type: 'MultiPolygon', coordinates: [polygon(g.coordinates)] } : { type: 'Polygon', coordinates: polygon(g.coordinates) }; break;
      case 'MultiPolygon': geometry = { type: 'MultiPolygon', coordinates: g.coordinates.map(polygon) }; break;
      default: throw new GeoError(`Type de géométrie non pris en charge : « ${g.type} ».`);
    }
    const properties: Record<string, unknown> = {};
    originalNames.forEach((key, i) => { properties[names[i]!] = convert(feature.properties?.[key], kinds[i]!); });
    return { type: 'Feature' as const, geometry, properties };
  });
  return { geometryType: type, fields: names.map((name, i) => ({ name, type: kinds[i]! })), features, skipped };
}
