import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  checkZipEntries, compatibleFormats, contradictsExtension, detectFormat, HEAD_BYTES, isZip, locateCentralDirectory,
  parseCentralDirectory, ZIP_TAIL_BYTES, type ZipEntry,
} from '../../worker/src/domain/format-detect';

const ROOT = resolve(import.meta.dirname, '../..');
const demo = JSON.parse(readFileSync(resolve(ROOT, 'content/demo/catalogue.json'), 'utf8')) as {
  datasets: { resources: { file?: string; format: string }[] }[];
};
const samples = [...new Map(demo.datasets.flatMap((d) => d.resources).filter((r) => r.file).map((r) => [r.file!, r.format])).entries()];

/** Lists an archive the way the store does with range reads: the tail, then the central directory. */
function zipEntries(bytes: Uint8Array): ZipEntry[] | null {
  const tailOffset = Math.max(0, bytes.length - ZIP_TAIL_BYTES);
  const location = locateCentralDirectory(bytes.subarray(tailOffset), tailOffset);
  if (!location) return null;
  return parseCentralDirectory(bytes.subarray(location.offset, location.offset + location.size), location.entries);
}

function detect(fileName: string, bytes: Uint8Array) {
  const head = bytes.subarray(0, HEAD_BYTES);
  return detectFormat({ fileName, head, size: bytes.length, zipEntries: isZip(head) ? zipEntries(bytes) ?? [] : undefined });
}

const text = (s: string) => new TextEncoder().encode(s);

describe('format detection on the demo files', () => {
  it.each(samples)('%s is detected as %s from its content', (file, format) => {
    const bytes = new Uint8Array(readFileSync(resolve(ROOT, 'content/demo', file)));
    const detection = detect(file, bytes);
    expect(detection.format).toBe(format);
    expect(contradictsExtension(file, detection.format)).toBe(false);
  });

  it('the content decides, not the name: a zipped shapefile renamed .bin is still ESRI Shapefile (ZIP)', () => {
    const bytes = new Uint8Array(readFileSync(resolve(ROOT, 'content/demo/files/aires-covoiturage-gard.zip')));
    expect(detect('export.bin', bytes).format).toBe('SHP');
  });
});

describe('zip archives', () => {
  it('MapInfo MIF/MID, MapInfo TAB, GTFS and a plain zip', () => {
    expect(detect('a.zip', zipSync({ 'routes.mif': strToU8('x'), 'routes.mid': strToU8('y') })).format).toBe('MIF');
    expect(detect('a.zip', zipSync({ 'p.tab': strToU8('x'), 'p.dat': strToU8('y'), 'p.map': strToU8('z'), 'p.id': strToU8('w') })).format).toBe('TAB');
    const gtfs = Object.fromEntries(['agency', 'stops', 'routes', 'trips', 'stop_times'].map((n) => [`${n}.txt`, strToU8('a,b\n1,2\n')]));
    expect(detect('reseau.zip', zipSync(gtfs)).format).toBe('GTFS');
    expect(detect('photos.zip', zipSync({ 'a.txt': strToU8('x') })).format).toBe('ZIP');
  });

  it('a shapefile whose parts sit in a folder is still recognised', () => {
    const zip = zipSync({ 'export/': {}, 'export/c.shp': strToU8('x'), 'export/c.shx': strToU8('x'), 'export/c.dbf': strToU8('x') });
    expect(detect('c.zip', zip).format).toBe('SHP');
  });

  it('entries named with .. or an absolute path are refused as path traversal', () => {
    for (const name of ['../../etc/cron.d/x', '/etc/passwd', 'ok/../../x', 'C:/Windows/x', '..\\..\\x']) {
      const entries = zipEntries(zipSync({ [name]: strToU8('x') }))!;
      expect(entries[0]!.name).toBe(name);
      expect(checkZipEntries(entries, 1000), name).toBe('zip_traversal');
    }
  });

  it('a highly compressed entry (a zip bomb) is refused, an ordinary archive is not', () => {
    const bomb = zipSync({ 'zeros.csv': new Uint8Array(50 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(checkZipEntries(zipEntries(bomb)!, bomb.length)).toBe('zip_bomb');
    const shp = new Uint8Array(readFileSync(resolve(ROOT, 'content/demo/files/aires-covoiturage-gard.zip')));
    expect(checkZipEntries(zipEntries(shp)!, shp.length)).toBeNull();
  });

  it('declared sizes beyond the limit, overlapping entries, too many entries and sizes beyond the file are refused', () => {
    const entry = (name: string, offset: number, compressed: number, uncompressed: number): ZipEntry =>
      ({ name, localHeaderOffset: offset, compressedSize: compressed, uncompressedSize: uncompressed });
    expect(checkZipEntries([entry('a', 0, 20_000_000, 3_000_000_000)], 30_000_000)).toBe('zip_bomb');
    expect(checkZipEntries([entry('a', 0, 5000, 1000), entry('b', 0, 5000, 1000)], 10_000)).toBe('zip_bomb');
    expect(checkZipEntries(Array.from({ length: 10_001 }, (_, i) => entry(`f${i}`, i * 100, 10, 10)), 2_000_000)).toBe('zip_too_many_entries');
    expect(checkZipEntries([entry('a', 0, 5000, 5000)], 1000)).toBe('zip_invalid');
  });

  it('a truncated archive has no central directory', () => {
    const zip = zipSync({ 'a.txt': strToU8('hello') });
    expect(zipEntries(zip.subarray(0, zip.length - 10))).toBeNull();
  });
});

describe('text formats', () => {
  it('GeoJSON is a JSON object of type FeatureCollection or Feature; other JSON is JSON', () => {
    expect(detect('a.json', text('{"type":"FeatureCollection","features":[]}')).format).toBe('GeoJSON');
    expect(detect('a.json', text('{"type":"Feature","geometry":null,"properties":{}}')).format).toBe('GeoJSON');
    expect(detect('a.json', text('[{"type":"FeatureCollection"}]')).format).toBe('JSON');
    expect(detect('a.json', text('{"nom":"Lodève"}')).format).toBe('JSON');
  });

  it('CSV needs a delimiter splitting every line alike; semicolons, commas and tabs', () => {
    expect(detect('a.csv', text('a;b;c\n1;2;3\n')).format).toBe('CSV');
    expect(detect('a.csv', text('a,"b, c"\n1,"2, 3"\n')).format).toBe('CSV');
    expect(detect('a.tsv', text('a\tb\n1\t2\n')).format).toBe('CSV');
    expect(detect('a.txt', text('Bonjour,\nceci est une lettre.\n')).format).toBe('TXT');
  });

  it('Latin-1 text is recognised and its encoding reported', () => {
    const latin1 = new Uint8Array([...text('nom;ville\nJos'), 0xe9, ...text(';N'), 0xee, ...text('mes\n')]);
    expect(detect('a.csv', latin1)).toEqual({ format: 'CSV', encoding: 'ISO-8859-1' });
    expect(detect('a.csv', text('nom;ville\nJosé;Nîmes\n'))).toEqual({ format: 'CSV', encoding: 'UTF-8' });
  });

  it('KML, GPX, HTML and XML', () => {
    expect(detect('a.kml', text('<?xml version="1.0"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"></kml>')).format).toBe('KML');
    expect(detect('a.gpx', text('<?xml version="1.0"?><gpx version="1.1"></gpx>')).format).toBe('GPX');
    expect(detect('a.html', text('<!DOCTYPE html><html lang="fr"></html>')).format).toBe('HTML');
    expect(detect('a.xml', text('<?xml version="1.0"?><root/>')).format).toBe('XML');
  });
});

describe('content contradicting the extension', () => {
  it('a spreadsheet named .csv, a PDF named .geojson and random bytes named .pdf are contradictions', () => {
    const xlsx = new Uint8Array(readFileSync(resolve(ROOT, 'content/demo/files/population-communes-gard.xlsx')));
    expect(contradictsExtension('population.csv', detect('population.csv', xlsx).format)).toBe(true);
    expect(contradictsExtension('a.geojson', 'PDF')).toBe(true);
    expect(contradictsExtension('a.pdf', detect('a.pdf', new Uint8Array([1, 2, 3, 0, 255])).format)).toBe(true);
  });

  it('compatible labels and unknown extensions are not contradictions', () => {
    expect(contradictsExtension('a.json', 'GeoJSON')).toBe(false);
    expect(contradictsExtension('a.zip', 'SHP')).toBe(false);
    expect(contradictsExtension('a.txt', 'CSV')).toBe(false);
    expect(contradictsExtension('a.ecw', null)).toBe(false);
    expect(contradictsExtension('LISEZMOI', 'TXT')).toBe(false);
  });

  it('the user may correct a detection within the same family only', () => {
    expect(compatibleFormats('ZIP')).toEqual(['SHP', 'MIF', 'TAB', 'GTFS', 'ZIP']);
    expect(compatibleFormats('PDF')).toEqual(['PDF']);
    expect(compatibleFormats(null).length).toBeGreaterThan(20);
  });
});
