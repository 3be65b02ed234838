import { describe, expect, it } from 'vitest';
import { t, TABLES, tn } from '../../worker/src/i18n/index';

// The merged tables: the core one and every surface module.
const { fr, en } = TABLES;

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n tables', () => {
  it('has every French key in English, and nothing else', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });

  it('has no empty value', () => {
    for (const [lang, table] of Object.entries({ fr, en })) {
      for (const [key, value] of Object.entries(table)) expect(value.trim(), `${lang} ${key}`).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const [key, value] of Object.entries(fr)) {
      expect(placeholders(en[key as keyof typeof fr]), key).toEqual(placeholders(value));
    }
  });
});

describe('t and tn', () => {
  it('fills placeholders and formats numbers for the language', () => {
    expect(tn('fr', 'search.count', 12345)).toBe('12\u202f345 jeux de données trouvés');
    expect(tn('en', 'search.count', 1)).toBe('1 dataset found');
  });

  it('treats 0 as singular in French', () => {
    expect(tn('fr', 'noun.dataset', 0)).toBe('jeu de données');
    expect(t('fr', 'pager.status', { page: 2, pages: 5 })).toBe('Page 2 sur 5');
  });
});
