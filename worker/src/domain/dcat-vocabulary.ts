// Mappings from the portal's codes to the shared vocabularies harvesters understand (CKAN extras and DCAT).
import type { UpdateFrequency } from './vocabulary';

export const EU_FREQUENCY = 'http://publications.europa.eu/resource/authority/frequency/';

/** EU frequency authority codes: udata reads them from the CKAN `frequency` extra and from dct:accrualPeriodicity. */
export const FREQUENCY_CODES: Record<UpdateFrequency, string> = {
  asneeded: 'IRREG',
  never: 'NEVER',
  intermittently: 'IRREG',
  continuously: 'CONT',
  realtime: 'UPDATE_CONT',
  daily: 'DAILY',
  weekly: 'WEEKLY',
  fortnightly: 'BIWEEKLY',
  monthly: 'MONTHLY',
  quarterly: 'QUARTERLY',
  semiannual: 'ANNUAL_2',
  annual: 'ANNUAL',
  unknown: 'UNKNOWN',
};

export const frequencyUri = (code: UpdateFrequency): string => EU_FREQUENCY + FREQUENCY_CODES[code];

/** A bbox (west, south, east, north) as a GeoJSON Polygon, the only geometry udata's CKAN backend accepts. */
export function bboxPolygon([w, s, e, n]: readonly [number, number, number, number]) {
  return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
}

export function bboxWkt([w, s, e, n]: readonly [number, number, number, number]): string {
  return `POLYGON((${w} ${s},${e} ${s},${e} ${n},${w} ${n},${w} ${s}))`;
}
