// Coordinate reference systems the portal knows (OPenIG's list): proj4 definitions, recognition of a CRS in a
// file (.prj WKT, GeoJSON `crs` member, OGC URNs) and coordinate transforms.
import proj4 from 'proj4';

export const SUPPORTED_CRS = ['EPSG:4326', 'EPSG:2154', 'EPSG:3857', 'EPSG:3943', 'EPSG:3944', 'EPSG:3945', 'EPSG:4171'] as const;
export type SupportedCrs = (typeof SUPPORTED_CRS)[number];

const cc = (lat: number, n: number) =>
  `+proj=lcc +lat_0=${lat} +lon_0=3 +lat_1=${lat - 0.75} +lat_2=${lat + 0.75} +x_0=1700000 +y_0=${n} +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs +type=crs`;

proj4.defs('EPSG:2154', '+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs +type=crs');
proj4.defs('EPSG:3943', cc(43, 2200000));
proj4.defs('EPSG:3944', cc(44, 3200000));
proj4.defs('EPSG:3945', cc(45, 4200000));
proj4.defs('EPSG:4171', '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs +type=crs');

/** Names used in .prj files (ESRI and OGC WKT) for the supported systems. */
const WKT_NAMES: Array<[RegExp, SupportedCrs]> = [
  [/lambert[_ ]?93|rgf93[_ /]*lambert|rgf_1993_lambert_93/i, 'EPSG:2154'],
  [/cc43|conic_conformal_zone_2|lambert_conformal_conic_3943|cc_?zone_?43/i, 'EPSG:3943'],
  [/cc44|cc_?zone_?44/i, 'EPSG:3944'],
  [/cc45|cc_?zone_?45/i, 'EPSG:3945'],
  [/pseudo[_ -]?mercator|web[_ ]mercator|popular visualisation/i, 'EPSG:3857'],
];

/** An EPSG code from "EPSG:2154", "urn:ogc:def:crs:EPSG::2154", "http://www.opengis.net/def/crs/EPSG/0/2154", CRS:84… */
export function crsCode(name: string): string | null {
  const text = name.trim();
  if (/^(urn:ogc:def:crs:OGC:(1\.3)?:)?CRS:?84$/i.test(text) || /opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84$/i.test(text)) return 'EPSG:4326';
  const match = /^(?:urn:ogc:def:crs:EPSG:[\d.]*:|EPSG:|https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/|https?:\/\/www\.opengis\.net\/gml\/srs\/epsg\.xml#)(\d+)$/i.exec(text);
  return match ? `EPSG:${match[1]}` : null;
}

export class UnknownCrs extends Error {}

/** The CRS of a .prj file: a supported EPSG code when recognised, otherwise the WKT itself if proj4 can use it. */
export function crsFromWkt(wkt: string): string {
  const authority = /AUTHORITY\["EPSG",\s*"(\d+)"\]\s*\]\s*$/i.exec(wkt.trim());
  if (authority && SUPPORTED_CRS.includes(`EPSG:${authority[1]}` as SupportedCrs)) return `EPSG:${authority[1]}`;
  const projcs = /^\s*PROJCS\["([^"]*)"/i.exec(wkt);
  if (projcs) {
    for (const [pattern, code] of WKT_NAMES) if (pattern.test(projcs[1]!)) return code;
  } else if (/^\s*GEOGCS\[/i.test(wkt)) {
    const name = /^\s*GEOGCS\["([^"]*)"/i.exec(wkt)?.[1] ?? '';
    if (/RGF[_ ]?93|RGF_1993/i.test(name)) return 'EPSG:4171';
    if (/WGS[_ ]?84|WGS_1984/i.test(name)) return 'EPSG:4326';
  }
  try {
    proj4(wkt, 'EPSG:4326', [0, 0]);
    return wkt;
  } catch {
    throw new UnknownCrs(wkt.slice(0, 120));
  }
}

/** A short label for the layer's source CRS (the WKT's name when it is not an EPSG code). */
export function crsLabel(crs: string): string {
  if (/^EPSG:\d+$/.test(crs)) return crs;
  return /^\s*[A-Z]+\["([^"]*)"/.exec(crs)?.[1] ?? 'WKT';
}

export type Transform = (xy: number[]) => [number, number];

/** A transform between two CRS (codes or WKT); throws UnknownCrs when proj4 cannot build it. */
export function transformer(from: string, to: string): Transform {
  if (from === to) return (xy) => [xy[0]!, xy[1]!];
  let converter: proj4.Converter;
  try {
    converter = proj4(from, to);
    converter.forward([2, 45]);
  } catch {
    throw new UnknownCrs(from);
  }
  return (xy) => {
    const [x, y] = converter.forward([xy[0]!, xy[1]!]);
    return [x!, y!];
  };
}

/** Whether proj4 knows a CRS given as a code (contributor choice, srsName). */
export function knownCrs(code: string): boolean {
  try {
    return !!proj4.defs(code);
  } catch {
    return false;
  }
}
