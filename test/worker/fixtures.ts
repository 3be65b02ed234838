// A small catalogue covering each visibility case: public, restricted, referenced URL, draft.
import { SELF } from 'cloudflare:test';

export const OPERATOR = { authorization: 'Bearer operator-test-token' };

export const ORG_REGION = '0b0f5a7e-5d0c-4b8e-9c55-0a6f0d7c1a01';
export const ORG_COMMUNE = '0b0f5a7e-5d0c-4b8e-9c55-0a6f0d7c1a02';
export const DS_PUBLIC = '1c1f5a7e-5d0c-4b8e-9c55-0a6f0d7c1b01';
export const DS_RESTRICTED = '1c1f5a7e-5d0c-4b8e-9c55-0a6f0d7c1b02';
export const DS_DRAFT = '1c1f5a7e-5d0c-4b8e-9c55-0a6f0d7c1b03';
export const RES_CSV = '2d2f5a7e-5d0c-4b8e-9c55-0a6f0d7c1c01';
export const RES_LINK = '2d2f5a7e-5d0c-4b8e-9c55-0a6f0d7c1c02';
export const RES_SECRET = '2d2f5a7e-5d0c-4b8e-9c55-0a6f0d7c1c03';
export const RES_DRAFT = '2d2f5a7e-5d0c-4b8e-9c55-0a6f0d7c1c04';

/** The test rebuild hook answers 503 for this change id. */
export const FAILING_CHANGE_ID = 999_999;

export const CSV_TEXT = 'code_insee;nom;population\n34172;Montpellier;302454\n30189;Nîmes;148104\n';

export function fixtureCatalogue() {
  const dataset = (id: string, slug: string, title: string, extra: Record<string, unknown>) => ({
    id, slug, title,
    description: `Description **Markdown** de ${title}.`,
    organization: 'region-test',
    licence: 'lov2',
    updateFrequency: 'annual',
    granularity: 'commune',
    geocover: 'bbox',
    bbox: [1.7, 42.3, 4.9, 45.1],
    dataTypes: ['open'],
    themes: ['administration-et-action-publique'],
    tags: ['population', 'communes'],
    ownerName: 'Service SIG',
    ownerEmail: 'sig@region.example',
    dateCreated: '2024-01-10',
    dateModified: '2025-03-01',
    datePublished: '2024-01-15',
    ...extra,
  });
  return {
    organizations: [
      { id: ORG_REGION, slug: 'region-test', legalName: 'Région Test', orgType: 'region', description: 'Une région.' },
      { id: ORG_COMMUNE, slug: 'commune-test', legalName: 'Commune Test', orgType: 'commune' },
    ],
    datasets: [
      dataset(DS_PUBLIC, 'population-communes', 'Population des communes', {
        resources: [
          { id: RES_CSV, title: 'Population (CSV)', format: 'CSV', sourceMode: 'upload', file: 'files/population.csv' },
          { id: RES_LINK, title: 'Page du producteur', format: 'HTML', resourceType: 'documentation', sourceMode: 'url_reference', url: 'https://producteur.example/population' },
        ],
      }),
      dataset(DS_RESTRICTED, 'reseau-eau-potable', 'Réseau d’eau potable', {
        themes: ['biodiversite-et-eau'],
        tags: ['eau'],
        resources: [
          { id: RES_SECRET, title: 'Canalisations', format: 'CSV', sourceMode: 'upload', file: 'files/secret.csv', accessLevel: 'same_organization' },
        ],
      }),
      dataset(DS_DRAFT, 'brouillon-budget', 'Budget (brouillon)', {
        published: false,
        resources: [{ id: RES_DRAFT, title: 'Budget', format: 'CSV', sourceMode: 'upload', file: 'files/draft.csv' }],
      }),
    ],
    showcases: [
      { id: '3e3f5a7e-5d0c-4b8e-9c55-0a6f0d7c1d01', slug: 'carte-population', title: 'Carte de la population', showcaseType: 'visualization',
        url: 'https://reutilisation.example/carte', datasets: ['population-communes', 'brouillon-budget'] },
    ],
  };
}

export const FIXTURE_FILES: Record<string, string> = {
  'files/population.csv': CSV_TEXT,
  'files/secret.csv': 'id;diametre\n1;200\n',
  'files/draft.csv': 'poste;montant\nvoirie;1000\n',
};

export async function importCatalogue(catalogue: unknown, files: Record<string, string> = FIXTURE_FILES, headers: Record<string, string> = OPERATOR): Promise<Response> {
  const form = new FormData();
  form.set('catalogue', JSON.stringify(catalogue));
  for (const [path, content] of Object.entries(files)) form.set(`file:${path}`, new File([content], path.split('/').pop()!, { type: 'text/csv' }));
  return SELF.fetch('https://portal.test/api/internal/catalogue/import', { method: 'POST', body: form, headers });
}
