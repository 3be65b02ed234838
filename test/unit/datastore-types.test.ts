import { describe, expect, it } from 'vitest';
import { cellLiteral, ColumnStats, convert, readAs, sqlLiteral, type Reading } from '../../worker/src/domain/datastore-types';
import { normaliseColumns } from '../../worker/src/domain/datastore-columns';

function infer(values: Array<string | null>) {
  const stats = new ColumnStats();
  values.forEach((v, i) => stats.add(v, i + 2));
  return stats;
}

describe('type inference', () => {
  it.each([
    [['1', '42', '-7'], 'integer'],
    [['1.5', '2', '1e3'], 'decimal_dot'],
    [['148 104', '42 571', '8 608'], 'integer_grouped'],
    [['1.234', '1 000'], 'integer_grouped'],
    [['161,85', '23,16', '1 838,1', '185'], 'decimal_comma'],
    [['1.234,5', '2,5'], 'decimal_comma'],
    [['oui', 'non', 'Vrai'], 'boolean'],
    [['2024-03-01', '14/07/2024'], 'date'],
    [['2024-03-01', '14/07/2024 21h00', '2024-09-07T10:00:00Z'], 'datetime'],
    [['01001', '2A004'], 'text'],
    [['31/02/2024'], 'text'],
    [['12345678901234567890'], 'text'],
  ])('reads %j as %s', (values, reading) => {
    expect(infer(values).reading()).toBe(reading);
  });

  it('reads null markers as empty in typed columns and counts them for the report', () => {
    const stats = infer(['12', 'N/A', '-', '', '#N/A', 'null', 'NA', 'n/a', '30']);
    expect(stats.reading()).toBe('integer');
    expect(stats.markers).toBe(6);
    expect(stats.markerExamples).toEqual([{ line: 3, value: 'N/A' }, { line: 4, value: '-' }, { line: 6, value: '#N/A' }]);
    expect(convert('N/A', 'integer')).toBeNull();
  });

  it('falls back to text for genuinely mixed values and names the rows that break the majority type', () => {
    const stats = infer(['10', '20', 'trente', '40', '50', 'soixante']);
    expect(stats.reading()).toBe('text');
    expect(stats.mixed()).toEqual({ reading: 'integer', examples: [{ line: 4, value: 'trente' }, { line: 7, value: 'soixante' }] });
  });

  it('does not call a free-text column mixed, nor codes with leading zeros beside plain numbers', () => {
    expect(infer(['Nîmes', 'Alès', '12']).mixed()).toBeNull();
    const chapters = infer(['011', '012', '65', '66', '67', '011']);
    expect(chapters.reading()).toBe('text');
    expect(chapters.mixed()).toBeNull();
  });

  it('converts values to what is stored', () => {
    expect(convert('1 838,1', 'decimal_comma')).toBe(1838.1);
    expect(convert('148\u202f104', 'integer_grouped')).toBe(148104);
    expect(convert('14/07/2024', 'date')).toBe('2024-07-14');
    expect(convert('14/07/2024 21h00', 'datetime')).toBe('2024-07-14T21:00:00');
    expect(convert('Oui', 'boolean')).toBe(1);
    expect(convert('  garde ses espaces ', 'text')).toBe('  garde ses espaces ');
  });

  it('reads filter values in the column type, or refuses them', () => {
    expect(readAs('3,5', 'decimal')).toBe(3.5);
    expect(readAs('01/03/2024', 'date')).toBe('2024-03-01');
    expect(readAs('abc', 'integer')).toBeUndefined();
    expect(readAs(true, 'boolean')).toBe(1);
  });
});

describe('column names', () => {
  it('makes SQL names, keeps titles as labels and reports every change', () => {
    const long = 'Très longue description de la colonne qui dépasse largement la limite de soixante-trois caractères';
    const { columns, notices } = normaliseColumns(['Nom', 'Nom', long, '', 'Prix (€)', 'nom', '2024', '_id', 'Œuvre']);
    expect(columns.map((c) => c.id)).toEqual([
      'Nom', 'Nom_2', 'Tres_longue_description_de_la_colonne_qui_depasse_largement_la', 'colonne_4', 'Prix', 'nom_3', 'c_2024', 'id', 'OEuvre',
    ]);
    expect(columns[2]!.label).toBe(long);
    expect(notices.map((n) => n.key)).toEqual([
      'datastore.warning.columnDuplicate', 'datastore.warning.columnTooLong', 'datastore.warning.columnUntitled',
      'datastore.warning.columnRenamed', 'datastore.warning.columnDuplicate', 'datastore.warning.columnRenamed',
      'datastore.warning.columnRenamed', 'datastore.warning.columnRenamed',
    ]);
  });
});

describe('cellLiteral', () => {
  it('writes plain numbers as they are and everything else as its converted value', () => {
    const cases: Array<[string | null, Reading]> = [
      ['42', 'integer'], ['-7', 'integer'], ['+5', 'integer'], ['0', 'integer'], ['12.50', 'decimal_dot'], ['-0.0', 'decimal_dot'],
      ['1e3', 'decimal_dot'], ['007.5', 'decimal_dot'], [' 42 ', 'integer'], ['N/A', 'decimal_dot'], [null, 'integer'],
      ['1234567890123456', 'integer'], ['1 234,5', 'decimal_comma'], ['01/03/2024', 'date'], ["l'eau", 'text'], ['oui', 'boolean'],
    ];
    for (const [raw, reading] of cases) {
      const literal = cellLiteral(raw, reading);
      const converted = sqlLiteral(convert(raw, reading));
      if (literal !== converted) expect(Number(literal), `${raw} as ${reading}`).toBe(Number(converted));
    }
    expect(cellLiteral('12.50', 'decimal_dot')).toBe('12.50');
    expect(cellLiteral('-0.0', 'decimal_dot')).toBe('0');
    expect(cellLiteral('+5', 'integer')).toBe('5');
    expect(cellLiteral('N/A', 'decimal_dot')).toBe('NULL');
    expect(cellLiteral("l'eau", 'text')).toBe("'l''eau'");
  });
});

describe('calendar dates', () => {
  it('knows leap years in both notations, and writes valid ISO dates as they are', () => {
    const isDate = (v: string) => infer([v]).reading() === 'date';
    expect(['2024-02-29', '29/02/2024', '2000-02-29', '31/12/1999', '2023-04-30'].map(isDate)).toEqual([true, true, true, true, true]);
    expect(['2023-02-29', '29/02/1900', '2023-04-31', '2023-13-01', '2023-00-10', '1234-56789'].map(isDate)).toEqual([false, false, false, false, false, false]);
    expect(cellLiteral('2024-02-29', 'date')).toBe("'2024-02-29'");
    expect(cellLiteral('29/02/2024', 'date')).toBe("'2024-02-29'");
    expect(cellLiteral('2024-02-29', 'datetime')).toBe("'2024-02-29T00:00:00'");
  });
});
