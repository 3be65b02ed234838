// The Solr subset of package_search's q and fq, evaluated on search documents without the store.
import { describe, expect, it } from 'vitest';
import { foldText, matches, parseQuery, QuerySyntaxError, type SearchDocument } from '../../worker/src/domain/ckan-query';

const doc: SearchDocument = {
  fields: { organization: ['region-occitanie'], groups: ['agriculture', 'biodiversite-et-eau'], tags: ['Eau potable', 'réseau'], res_format: ['CSV'], num_resources: ['3'] },
  dates: { metadata_modified: '2025-06-01T10:00:00.000Z' },
  texts: { title: () => foldText('Qualité de l’eau') },
  text: () => foldText('Qualité de l’eau potable en Occitanie'),
};
const NOW = Date.parse('2025-06-02T00:00:00Z');
const hit = (q: string) => matches(parseQuery(q), doc, NOW);

describe('Solr subset', () => {
  it('matches field:value exactly, quoted phrases and wildcards', () => {
    expect(hit('organization:region-occitanie')).toBe(true);
    expect(hit('organization:region')).toBe(false);
    expect(hit('tags:"Eau potable"')).toBe(true);
    expect(hit('organization:region-*')).toBe(true);
    expect(hit('res_format:csv')).toBe(true);
  });

  it('combines with AND, OR, NOT, -, +, && and ||, implicit AND, and parentheses', () => {
    expect(hit('organization:region-occitanie AND -groups:agriculture')).toBe(false);
    expect(hit('(groups:agriculture OR groups:transport) +tags:réseau')).toBe(true);
    expect(hit('groups:transport || groups:agriculture')).toBe(true);
    expect(hit('groups:agriculture && NOT tags:réseau')).toBe(false);
    expect(hit('groups:agriculture groups:transport')).toBe(false);
    expect(hit('groups:(transport OR biodiversite-et-eau)')).toBe(true);
  });

  it('matches everything with *:* or an empty query and searches free text without accents or case', () => {
    expect(hit('*:*')).toBe(true);
    expect(hit('')).toBe(true);
    expect(hit('QUALITE occitanie')).toBe(true);
    expect(hit('title:eau')).toBe(true);
    expect(hit('bruit')).toBe(false);
  });

  it('evaluates date and number ranges with open ends, exclusive bounds and NOW', () => {
    expect(hit('metadata_modified:[2025-01-01T00:00:00Z TO *]')).toBe(true);
    expect(hit('metadata_modified:[* TO 2025-01-01T00:00:00Z]')).toBe(false);
    expect(hit('metadata_modified:[NOW-7DAYS TO NOW]')).toBe(true);
    expect(hit('metadata_modified:{2025-06-01T10:00:00Z TO *]')).toBe(false);
    expect(hit('num_resources:[2 TO 5]')).toBe(true);
  });

  it('matches nothing on an unknown field and rejects broken syntax', () => {
    expect(hit('colour:blue')).toBe(false);
    for (const bad of ['(groups:a', 'groups:"open', 'metadata_modified:[2020 2021]', 'OR']) {
      expect(() => parseQuery(bad), bad).toThrow(QuerySyntaxError);
    }
  });
});
