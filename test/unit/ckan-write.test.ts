// CKAN write payloads mapped onto the forms' input (domain/ckan-write.ts), case by case.
import { describe, expect, it } from 'vitest';
import {
  bboxOfGeometry, ckanBoolean, formatCode, frequencyFrom, packageWrite, resourceChanged, resourceWrite, type ResourceBase,
} from '../../worker/src/domain/ckan-write';
import { datasetFormInput, readDatasetForm } from '../../worker/src/domain/dataset-form';

const ORG = { id: 'org-1', slug: 'commune-de-lodeve' };
const THEME = { id: 'th-1', slug: 'mobilite-et-transports' };
const CONTEXT = { organizations: [ORG], themes: [THEME] };

const STORED = {
  title: 'Arrêts de bus', organizationId: ORG.id, description: 'Texte.', dateCreated: '2026-01-01', dateModified: '2026-01-02',
  datePublished: '2026-01-03', licenceId: 'lov2', keywords: ['bus', 'transport'], updateFrequency: 'annual' as const, granularity: 'commune' as const,
  geocover: 'jurisdiction' as const, bbox: null, ownerName: 'SIG', ownerEmail: 'sig@lodeve.fr', broadcasterName: null, broadcasterEmail: null,
  defaultAccess: 'public' as const, published: true, themeIds: [THEME.id], dataTypes: ['open'],
};
const base = () => datasetFormInput(STORED);
const CREATE_BASE = () => ({ values: { organization: ORG.id, date_created: '2026-03-01', date_modified: '2026-03-01', date_published: '2026-03-01', licence: 'lov2', state: 'draft' }, themes: [], dataTypes: [] });

describe('packageWrite: create', () => {
  it('maps CKAN keys onto the form fields, name as the address, title from the name when missing', () => {
    const w = packageWrite({
      name: 'arrets-bus', notes: 'Les arrêts.', owner_org: 'commune-de-lodeve', license_id: 'odc-odbl',
      tags: [{ name: 'bus' }, 'mobilité'], groups: [{ name: 'mobilite-et-transports' }], author: 'SIG', maintainer_email: 'a@b.fr',
      extras: [{ key: 'frequency', value: 'http://publications.europa.eu/resource/authority/frequency/MONTHLY' }, { key: 'issued', value: '2025-02-03T10:00:00' }],
    }, CREATE_BASE(), 'create', CONTEXT);
    expect(w.problems).toEqual({});
    expect(w.slug).toBe('arrets-bus');
    expect(w.input.values).toMatchObject({
      title: 'arrets-bus', description: 'Les arrêts.', organization: ORG.id, licence: 'odc-odbl', keywords: 'bus, mobilité',
      owner_name: 'SIG', broadcaster_email: 'a@b.fr', update_frequency: 'monthly', date_published: '2025-02-03', state: 'published',
    });
    expect(w.input.themes).toEqual([THEME.id]);
    expect(w.temporal).toBeUndefined();
    expect(w.resources).toBeUndefined();
  });

  it('private or a draft state keeps the dataset unpublished', () => {
    expect(packageWrite({ private: true }, CREATE_BASE(), 'create', CONTEXT).input.values.state).toBe('draft');
    expect(packageWrite({ private: 'False', state: 'draft' }, CREATE_BASE(), 'create', CONTEXT).input.values.state).toBe('draft');
    expect(packageWrite({ private: 'false' }, CREATE_BASE(), 'create', CONTEXT).input.values.state).toBe('published');
    expect(packageWrite({ private: 'peut-être' }, CREATE_BASE(), 'create', CONTEXT).problems.private).toBe('ckanWrite.boolean');
    expect(packageWrite({ state: 'deleted' }, CREATE_BASE(), 'create', CONTEXT).problems.state).toBe('ckanWrite.state');
  });

  it('reports each bad key under the name the client sent', () => {
    const w = packageWrite({
      name: 'Pas Un Nom', tags: 'a,b', groups: [{ name: 'inconnue' }, 3],
      extras: [{ key: 'spatial', value: '{"type":"Point","coordinates":[3,43]}' }, { key: 'temporal_start', value: '2025-13' }, { key: 'couleur', value: 'bleu' }],
    }, CREATE_BASE(), 'create', CONTEXT);
    expect(w.problems).toMatchObject({
      name: 'ckanWrite.name.invalid', groups: 'ckanWrite.groups.shape', spatial: 'ckanWrite.spatial',
      temporal_start: { key: 'ckanWrite.temporal', params: { value: '2025-13' } },
      extras: { key: 'ckanWrite.extras.unknown', params: { keys: 'couleur' } },
    });
    expect(w.problems.tags).toBeUndefined(); // comma-separated tags are a list
    expect(packageWrite({ groups: [{ name: 'inconnue' }] }, CREATE_BASE(), 'create', CONTEXT).problems.groups)
      .toEqual({ key: 'ckanWrite.groups.unknown', params: { names: 'inconnue' } });
    expect(packageWrite({ extras: { frequency: 'x' } }, CREATE_BASE(), 'create', CONTEXT).problems.extras).toBe('ckanWrite.extras.shape');
    expect(packageWrite({ extras: [{ key: 'temporal_start', value: '2025' }, { key: 'temporal_end', value: '2020' }] }, CREATE_BASE(), 'create', CONTEXT).problems.temporal_end)
      .toBe('ckanWrite.temporal.order');
    expect(packageWrite({ resources: [1] }, CREATE_BASE(), 'create', CONTEXT).problems.resources).toBe('ckanWrite.resources.shape');
  });

  it('reads spatial as a bbox, temporal coverage and top-level extras as scheming clients send them', () => {
    const polygon = { type: 'MultiPolygon', coordinates: [[[[3.2, 43.6], [3.4, 43.6], [3.4, 43.8], [3.2, 43.6]]], [[[1, 42], [1.5, 42], [1.5, 42.5], [1, 42]]]] };
    const w = packageWrite({ spatial: polygon, temporal_start: '2020', temporal_end: '2025-06-30', frequency: 'weekly', data_types: 'open,geo' }, CREATE_BASE(), 'create', CONTEXT);
    expect(w.problems).toEqual({});
    expect(w.input.values).toMatchObject({ geocover: 'bbox', bbox_west: '1', bbox_south: '42', bbox_east: '3.4', bbox_north: '43.8', update_frequency: 'weekly' });
    expect(w.input.dataTypes).toEqual(['open', 'geo']);
    expect(w.temporal).toEqual({ start: '2020', end: '2025-06-30' });
  });
});

describe('packageWrite: update and patch', () => {
  it('update empties the core keys left out, keeps the organisation, licence and (without extras) the portal’s fields', () => {
    const w = packageWrite({ id: 'x', title: 'Nouveau' }, base(), 'update', CONTEXT, { slug: 'arrets-de-bus', id: 'x' });
    expect(w.input.values).toMatchObject({
      title: 'Nouveau', description: '', keywords: '', owner_name: '', organization: ORG.id, licence: 'lov2', update_frequency: 'annual',
      geocover: 'jurisdiction', state: 'published',
    });
    expect(w.input.themes).toEqual([]);
    expect(w.temporal).toBeUndefined();
    // The form then says what is missing.
    const checked = readDatasetForm(w.input, { organizations: [{ id: ORG.id, territoryCode: 'commune:34142', territoryName: 'Lodève' }], licenceIds: ['lov2'], themeIds: [THEME.id], existingSlug: 'arrets-de-bus' });
    expect(checked.errors).toEqual({ description: 'datasetForm.description.required' });
  });

  it('update with extras takes them as the whole set: those left out go back to their defaults', () => {
    const w = packageWrite({ title: 'T', extras: [{ key: 'granularity', value: 'epci' }] }, base(), 'update', CONTEXT);
    expect(w.input.values).toMatchObject({ update_frequency: 'never', granularity: 'epci', geocover: 'jurisdiction' });
    expect(w.input.dataTypes).toEqual(['open']); // not among package_show's extras: kept
    expect(w.temporal).toEqual({ start: null, end: null });
  });

  it('patch changes only the keys given; a stored dataset given back unchanged is the same form input', () => {
    const w = packageWrite({ tags: [{ name: 'tram' }] }, base(), 'patch', CONTEXT, { slug: 'arrets-de-bus', id: 'x' });
    expect(w.input).toEqual({ ...base(), values: { ...base().values, keywords: 'tram' } });
    expect(packageWrite({ private: true }, base(), 'patch', CONTEXT).input.values.state).toBe('draft');
    expect(packageWrite({ state: 'active' }, { ...base(), values: { ...base().values, state: 'draft' } }, 'patch', CONTEXT).input.values.state).toBe('draft');
  });

  it('the address never changes: another name is refused, the same name or the id is accepted', () => {
    const current = { slug: 'arrets-de-bus', id: 'uuid-1' };
    expect(packageWrite({ name: 'autre' }, base(), 'patch', CONTEXT, current).problems.name).toBe('ckanWrite.name.fixed');
    expect(packageWrite({ name: 'arrets-de-bus' }, base(), 'update', CONTEXT, current).problems.name).toBeUndefined();
    expect(packageWrite({ name: 'uuid-1' }, base(), 'patch', CONTEXT, current).problems.name).toBeUndefined();
  });
});

describe('value readers', () => {
  it('frequencies: own codes, EU codes and URIs, udata ids', () => {
    expect(frequencyFrom('annual')).toBe('annual');
    expect(frequencyFrom('ANNUAL_2')).toBe('semiannual');
    expect(frequencyFrom('http://publications.europa.eu/resource/authority/frequency/DAILY')).toBe('daily');
    expect(frequencyFrom('biweekly')).toBe('fortnightly');
    expect(frequencyFrom('souvent')).toBeNull();
  });
  it('geometries: polygons give their bbox, anything else nothing', () => {
    expect(bboxOfGeometry('{"type":"Polygon","coordinates":[[[0,1],[2,1],[2,3],[0,1]]]}')).toEqual([0, 1, 2, 3]);
    expect(bboxOfGeometry({ type: 'Point', coordinates: [1, 2] })).toBeNull();
    expect(bboxOfGeometry('pas du json')).toBeNull();
    expect(bboxOfGeometry({ type: 'Polygon', coordinates: [[[0, 'x'], [1, 1], [2, 2], [0, 0]]] })).toBeNull();
  });
  it('booleans and formats', () => {
    expect([true, 'True', '1', 'on'].map(ckanBoolean)).toEqual([true, true, true, true]);
    expect([false, 'false', '0', ''].map(ckanBoolean)).toEqual([false, false, false, false]);
    expect(ckanBoolean('oui?')).toBeNull();
    expect(formatCode('csv')).toBe('CSV');
    expect(formatCode('geojson')).toBe('GeoJSON');
    expect(formatCode('text/csv')).toBe('CSV');
    expect(formatCode('')).toBe('');
    expect(formatCode('format-inconnu')).toBeNull();
  });
});

describe('resourceWrite', () => {
  const stored: ResourceBase = {
    title: 'Arrêts', description: 'Liste', resourceType: 'raw', sourceMode: 'upload', sourceUrl: null, syncFrequency: 'never', format: 'CSV',
    accessLevel: 'public', allowedUsernames: [], allowedOrganizationIds: [],
  };
  const PORTAL = 'http://localhost:8787/dataset/d/resource/r/download/arrets.csv';

  it('a URL is referenced unless a copy is asked for (source_mode or a sync frequency)', () => {
    expect(resourceWrite({ url: 'https://x.fr/a.pdf', name: 'A' }, null, 'create', { hasUpload: false }).input)
      .toMatchObject({ sourceMode: 'url_reference', sourceUrl: 'https://x.fr/a.pdf', title: 'A', resourceType: 'raw', format: '' });
    expect(resourceWrite({ url: 'https://x.fr/a.csv', sync_frequency: 'daily' }, null, 'create', { hasUpload: false }).input)
      .toMatchObject({ sourceMode: 'url_download', syncFrequency: 'daily' });
    expect(resourceWrite({ url: 'https://x.fr/a.csv', source_mode: 'url_download' }, null, 'create', { hasUpload: false }).input.sourceMode).toBe('url_download');
    expect(resourceWrite({ url: 'https://x.fr/a.csv', sync_frequency: 'never' }, null, 'create', { hasUpload: false }).input.sourceMode).toBe('url_reference');
  });

  it('an upload wins; nothing to point at is an error on create, and bad values are reported', () => {
    expect(resourceWrite({ url: '' }, null, 'create', { hasUpload: true }).input.sourceMode).toBe('upload');
    expect(resourceWrite({ name: 'A' }, null, 'create', { hasUpload: false }).problems.url).toBe('ckanWrite.resource.source');
    const bad = resourceWrite({ url: 'https://x.fr', format: 'xyz', sync_frequency: 'toujours', source_mode: 'ftp', access_level: 'secret' }, null, 'create', { hasUpload: false });
    expect(bad.problems).toMatchObject({
      format: { key: 'ckanWrite.format', params: { value: 'xyz' } }, sync_frequency: 'resources.error.frequencyInvalid',
      source_mode: 'ckanWrite.sourceMode', access_level: 'resources.error.accessInvalid',
    });
    expect(resourceWrite({ source_mode: 'upload' }, null, 'create', { hasUpload: false }).problems.upload).toBe('resources.error.fileRequired');
  });

  it('the portal’s own download URL sent back keeps the stored file; update empties the rest, patch keeps it', () => {
    const update = resourceWrite({ url: PORTAL, name: 'Arrêts' }, stored, 'update', { hasUpload: false, portalUrl: PORTAL });
    expect(update.input).toMatchObject({ sourceMode: 'keep', title: 'Arrêts', description: '', format: '' });
    expect(resourceChanged(update.input, stored)).toBe(true); // the description was emptied
    const patch = resourceWrite({ description: 'Liste complète' }, stored, 'patch', { hasUpload: false, portalUrl: PORTAL });
    expect(patch.input).toMatchObject({ sourceMode: 'keep', title: 'Arrêts', description: 'Liste complète', format: 'CSV', resourceType: 'raw' });
  });

  it('resource_show given back unchanged asks for nothing', () => {
    const shown = { id: 'r', name: 'Arrêts', description: 'Liste', url: PORTAL, format: 'CSV', resource_type: 'file', url_type: 'upload', access_level: 'public', size: 12 };
    const { input, problems } = resourceWrite(shown, stored, 'update', { hasUpload: false, portalUrl: PORTAL });
    expect(problems).toEqual({});
    expect(resourceChanged(input, stored)).toBe(false);
    expect(resourceChanged({ ...input, access: { level: 'registered', usernames: [], organizations: [] } }, stored)).toBe(true);
    const link: ResourceBase = { ...stored, sourceMode: 'url_reference', sourceUrl: 'https://x.fr/a.pdf', format: 'PDF', resourceType: 'documentation' };
    const again = resourceWrite({ name: 'Arrêts', description: 'Liste', url: 'https://x.fr/a.pdf', format: 'PDF', resource_type: 'documentation' }, link, 'update', { hasUpload: false });
    expect(resourceChanged(again.input, link)).toBe(false);
    expect(resourceChanged(resourceWrite({ name: 'Arrêts', description: 'Liste', url: 'https://x.fr/b.pdf', resource_type: 'documentation' }, link, 'update', { hasUpload: false }).input, link)).toBe(true);
  });

  it('access lists: JSON lists or comma-separated, usernames folded to lower case', () => {
    const { input } = resourceWrite({ url: 'https://x.fr', access_level: 'listed_users', allowed_users: 'Alice, bob' }, null, 'create', { hasUpload: false });
    expect(input.access).toEqual({ level: 'listed_users', usernames: ['alice', 'bob'], organizations: [] });
    expect(resourceWrite({ url: 'https://x.fr', access_level: 'listed_organizations', allowed_organizations: ['commune-de-lodeve'] }, null, 'create', { hasUpload: false }).input.access)
      .toEqual({ level: 'listed_organizations', usernames: [], organizations: ['commune-de-lodeve'] });
  });
});
