import { describe, expect, it } from 'vitest';
import type { Catalogue } from '../../site/lib/catalogue';
import { datasetPage } from '../../site/lib/dataset-page';
import type { SnapshotDataset, SnapshotResource } from '../../worker/src/domain/snapshot';
import { defaultStyle } from '../../worker/src/domain/style';

const resource = (id: string, overrides: Partial<SnapshotResource>): SnapshotResource => ({
  id, title: 'Communes <b>', description: '', format: 'GeoJSON', resourceType: 'raw', sourceMode: 'upload', accessLevel: 'public', restricted: false,
  url: `/dataset/d1/resource/${id}/download/communes.geojson`, fileName: 'communes.geojson', sizeBytes: 10, mediaType: null, downloadCount: 0,
  createdAt: '2026-01-01', modifiedAt: '2026-01-01', datastore: null, ...overrides,
});
const layer = {
  name: 'communes', title: 'Communes', geometryType: 'MultiPolygon', featureCount: 12345, bbox: [3.3, 43.7, 3.4, 43.74] as [number, number, number, number],
  servicePath: '/maps/lodeve', tilesPath: '/tiles/r1.pmtiles', style: { ...defaultStyle('polygon'), name: '"><script>alert(1)</script>' },
};
const dataset: SnapshotDataset = {
  id: 'd1', slug: 'communes', title: 'Communes', description: '', organization: 'lodeve', licence: 'lov2', updateFrequency: 'never',
  granularity: 'undefined', geocover: 'computed', bbox: null, territoryName: null, temporalStart: null, temporalEnd: null, dataTypes: [], themes: [],
  tags: [], ownerName: null, broadcasterName: null, dateCreated: '2026-03-01', dateModified: '2026-03-02', datePublished: '2026-03-03',
  metadataModified: '2026-03-02T10:00:00Z', downloadCount: 0, hasRestrictedResources: false,
  resources: [resource('r1', { layer }), resource('r2', { title: 'Sans couche' })],
};
const catalogue = {
  organizations: new Map(), themes: new Map(), licences: new Map(), datasets: new Map([[dataset.slug, dataset]]), showcasesByDataset: new Map(),
} as unknown as Catalogue;

describe('dataset page map preview and API Géo panel', () => {
  const page = datasetPage(dataset, catalogue, new URL('https://portail.example/'));

  it('gives each layer a map island with its style, a WMS image before the script, and the service links', () => {
    expect(page.body.match(/data-layer-map=/g)).toHaveLength(1);
    expect(page.body).toContain('<h3 id="layer-r1">Carte : Communes &lt;b&gt;</h3>');
    expect(page.body).toContain('&quot;tilesPath&quot;:&quot;/tiles/r1.pmtiles&quot;');
    expect(page.body).toContain('<code>https://portail.example/maps/lodeve</code>');
    expect(page.body).toContain('href="https://portail.example/maps/lodeve?SERVICE=WMS&amp;REQUEST=GetCapabilities"');
    expect(page.body).toContain('TYPENAMES=lodeve%3Acommunes&amp;OUTPUTFORMAT=application/json');
    expect(page.body).toContain('REQUEST=GetMap&amp;LAYERS=communes&amp;STYLES=&amp;CRS=CRS:84&amp;BBOX=3.3,43.7,3.4,43.74');
    expect(page.body).toMatch(/GeoJSON \(12\s345 objets, WFS GetFeature\)/);
    expect(page.body).toContain('<script type="module" src="/scripts/layer-map.js"></script>');
  });

  it('escapes the style carried in the island’s data', () => {
    expect(page.body).not.toContain('<script>alert(1)');
  });

  it('shows no map for a dataset without layers', () => {
    const plain = datasetPage({ ...dataset, resources: [resource('r2', {})] }, catalogue, new URL('https://portail.example/'));
    expect(plain.body).not.toContain('data-layer-map');
    expect(plain.body).not.toContain('layer-map.js');
  });
});
