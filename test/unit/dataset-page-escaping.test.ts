import { describe, expect, it } from 'vitest';
import type { Catalogue } from '../../site/lib/catalogue';
import { datasetPage } from '../../site/lib/dataset-page';
import type { SnapshotDataset } from '../../worker/src/domain/snapshot';

// What a contributor types in the dataset form reaches the static page through the snapshot: nothing of it may run.
const attack = '<img src=x onerror=alert(1)>';
const dataset: SnapshotDataset = {
  id: 'd1', slug: 'arrets', title: `${attack} Arrêts`, description: `<script>alert(1)</script>\n\n[lien](javascript:alert(1)) ${attack}`,
  organization: 'lodeve', licence: 'lov2', updateFrequency: 'never', granularity: 'undefined', geocover: 'computed', bbox: null,
  territoryName: null, temporalStart: null, temporalEnd: null, dataTypes: [], themes: [], tags: [`${attack}tag`],
  ownerName: `${attack} SIG`, broadcasterName: '"><script>alert(2)</script>', dateCreated: '2026-03-01', dateModified: '2026-03-02',
  datePublished: '2026-03-03', metadataModified: '2026-03-02T10:00:00Z', downloadCount: 0, hasRestrictedResources: false, resources: [],
};
const catalogue = {
  organizations: new Map(), themes: new Map(), licences: new Map(), datasets: new Map([[dataset.slug, dataset]]),
  showcasesByDataset: new Map(),
} as unknown as Catalogue;

describe('the static dataset page renders what contributors typed as text', () => {
  it('escapes HTML in the title, keywords and contacts, and renders the description without raw HTML', () => {
    const page = datasetPage(dataset, catalogue, new URL('https://portail.example/'));
    expect(page.body).toContain('<h1>&lt;img src=x onerror=alert(1)&gt; Arrêts</h1>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toMatch(/<script|<img|href="javascript:/i);
    expect(page.jsonLd).not.toContain('</script>');
  });
});
