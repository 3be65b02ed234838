import { describe, expect, it } from 'vitest';
import {
  conflictErrors, deleteConfirmed, isCalendarDate, newDatasetValues, parisToday, readDatasetForm, splitKeywords,
  type DatasetFormContext,
} from '../../worker/src/domain/dataset-form';

const context: DatasetFormContext = {
  organizations: [
    { id: 'lodeve', territoryCode: 'commune:34142', territoryName: 'Lodève' },
    { id: 'agde', territoryCode: null, territoryName: null },
  ],
  licenceIds: ['lov2', 'odc-odbl'],
  themeIds: ['eau', 'transport'],
};

const valid = {
  title: '  Arrêts   de bus ',
  organization: 'lodeve',
  description: 'Les **arrêts**.\r\n',
  date_created: '2026-03-01',
  date_modified: '2026-03-02',
  date_published: '2026-03-03',
  licence: 'lov2',
};

const read = (values: Record<string, string>, lists: { themes?: string[]; dataTypes?: string[] } = {}, ctx = context) =>
  readDatasetForm({ values, themes: lists.themes ?? [], dataTypes: lists.dataTypes ?? [] }, ctx);

describe('dataset form rules', () => {
  it('accepts the required fields alone, with IDGO’s defaults for the rest and the address from the title', () => {
    const { draft, errors } = read(valid);
    expect(errors).toEqual({});
    expect(draft).toMatchObject({
      title: 'Arrêts de bus', slug: 'arrets-de-bus', description: 'Les **arrêts**.', organizationId: 'lodeve', licenceId: 'lov2',
      keywords: [], themeIds: [], updateFrequency: 'never', granularity: 'undefined', geocover: 'computed', bbox: null,
      defaultAccess: 'public', published: false, ownerName: null,
    });
  });

  it('names each missing required field', () => {
    expect(read({}).errors).toEqual({
      title: 'datasetForm.title.required',
      organization: 'datasetForm.organization.required',
      description: 'datasetForm.description.required',
      date_created: 'datasetForm.date.required',
      date_modified: 'datasetForm.date.required',
      date_published: 'datasetForm.date.required',
      licence: 'datasetForm.licence.required',
    });
  });

  it('refuses an organisation outside the user’s, an unknown licence, thématique or vocabulary code', () => {
    const { errors } = read({ ...valid, organization: 'montpellier', licence: 'proprietary', update_frequency: 'sometimes', granularity: 'planet', default_access: 'secret', state: 'hidden', geocover: 'world' },
      { themes: ['eau', 'cuisine'], dataTypes: ['open', 'big'] });
    expect(errors).toEqual({
      organization: 'datasetForm.organization.notAllowed',
      licence: 'datasetForm.licence.unknown',
      themes: 'datasetForm.themes.unknown',
      data_types: 'datasetForm.choice.invalid',
      update_frequency: 'datasetForm.choice.invalid',
      granularity: 'datasetForm.choice.invalid',
      default_access: 'datasetForm.choice.invalid',
      state: 'datasetForm.choice.invalid',
      geocover: 'datasetForm.choice.invalid',
    });
  });

  it('refuses a title longer than 300 characters or without any letter or digit', () => {
    expect(read({ ...valid, title: 'a'.repeat(301) }).errors.title).toEqual({ key: 'datasetForm.tooLong', params: { max: 300 } });
    expect(read({ ...valid, title: '« — »' }).errors.title).toBe('datasetForm.title.noSlug');
  });

  it('keeps the existing address on edit whatever the new title', () => {
    expect(read({ ...valid, title: 'Nouveau titre' }, {}, { ...context, existingSlug: 'arrets-de-bus' }).draft!.slug).toBe('arrets-de-bus');
  });

  it('checks that dates exist in the calendar', () => {
    expect(read({ ...valid, date_published: '2026-02-29' }).errors).toEqual({ date_published: 'datasetForm.date.invalid' });
    expect(read({ ...valid, date_created: '01/03/2026' }).errors).toEqual({ date_created: 'datasetForm.date.invalid' });
    expect(isCalendarDate('2028-02-29')).toBe(true);
  });

  it('reads keywords as a comma list, de-duplicated whatever the case, and applies IDGO’s rule to each', () => {
    expect(splitKeywords(' Transport,bus ; transport\nBUS,  voies  vertes ,')).toEqual(['Transport', 'bus', 'voies vertes']);
    expect(read({ ...valid, keywords: 'eau, l’Hérault, 3D' }).draft!.keywords).toEqual(['eau', 'l’Hérault', '3D']);
    expect(read({ ...valid, keywords: 'eau, x' }).errors.keywords).toEqual({ key: 'datasetForm.keywords.invalid', params: { keyword: 'x', min: 2, max: 100 } });
    expect(read({ ...valid, keywords: 'eau, <b>gras</b>' }).errors.keywords).toMatchObject({ params: { keyword: '<b>gras</b>' } });
    expect(read({ ...valid, keywords: Array.from({ length: 51 }, (_, i) => `mot${i}`).join(',') }).errors.keywords)
      .toEqual({ key: 'datasetForm.keywords.tooMany', params: { max: 50 } });
  });

  it('a bounding box needs four coordinates in range, west < east and south < north; French decimal commas accepted', () => {
    const box = { ...valid, geocover: 'bbox', bbox_west: '3,27', bbox_south: '43.70', bbox_east: '3.34', bbox_north: '43.75' };
    expect(read(box).draft!.bbox).toEqual([3.27, 43.7, 3.34, 43.75]);
    expect(read({ ...box, bbox_north: '' }).errors).toEqual({ bbox_north: 'datasetForm.bbox.required' });
    expect(read({ ...box, bbox_south: '95' }).errors).toEqual({ bbox_south: { key: 'datasetForm.bbox.invalid', params: { limit: 90 } } });
    expect(read({ ...box, bbox_west: 'est' }).errors).toEqual({ bbox_west: { key: 'datasetForm.bbox.invalid', params: { limit: 180 } } });
    expect(read({ ...box, bbox_west: '4', bbox_north: '40' }).errors).toEqual({ bbox_east: 'datasetForm.bbox.eastOfWest', bbox_north: 'datasetForm.bbox.northOfSouth' });
    // Coordinates typed while another cover is chosen are not kept.
    expect(read({ ...box, geocover: 'regional' }).draft!.bbox).toBeNull();
  });

  it('the territory cover is the organisation’s territoire de compétence, refused when it has none', () => {
    expect(read({ ...valid, geocover: 'jurisdiction' }).draft).toMatchObject({ territoryCode: 'commune:34142', territoryName: 'Lodève' });
    expect(read({ ...valid, organization: 'agde', geocover: 'jurisdiction' }).errors).toEqual({ geocover: 'datasetForm.geocover.noTerritory' });
  });

  it('checks contact e-mail addresses and name lengths', () => {
    expect(read({ ...valid, owner_email: 'sig@lodeve', broadcaster_email: 'contact@lodeve.fr', broadcaster_name: 'x'.repeat(201) }).errors).toEqual({
      owner_email: 'datasetForm.email.invalid',
      broadcaster_name: { key: 'datasetForm.tooLong', params: { max: 200 } },
    });
  });

  it('reads the state and the two checkbox groups', () => {
    const { draft } = read({ ...valid, state: 'published' }, { themes: ['eau', 'eau', 'transport'], dataTypes: ['geo'] });
    expect(draft).toMatchObject({ published: true, themeIds: ['eau', 'transport'], dataTypes: ['geo'] });
  });

  it('reports a taken title before a taken address', () => {
    expect(conflictErrors({ titleTaken: true, slugTaken: true })).toEqual({ title: 'datasetForm.title.taken' });
    expect(conflictErrors({ titleTaken: false, slugTaken: true })).toEqual({ title: 'datasetForm.title.slugTaken' });
    expect(conflictErrors({ titleTaken: false, slugTaken: false })).toEqual({});
  });

  it('starts a new dataset with today’s dates, the user as producer and the organisation as diffuseur with its licence', () => {
    expect(newDatasetValues({ name: 'Anne Martin', email: 'anne@lodeve.fr' }, { id: 'lodeve', legalName: 'Commune de Lodève', email: 'sig@lodeve.fr', defaultLicenceId: 'odc-odbl' }, '2026-07-14'))
      .toMatchObject({ organization: 'lodeve', date_created: '2026-07-14', date_modified: '2026-07-14', date_published: '2026-07-14', licence: 'odc-odbl',
        owner_name: 'Anne Martin', owner_email: 'anne@lodeve.fr', broadcaster_name: 'Commune de Lodève', broadcaster_email: 'sig@lodeve.fr', state: 'draft' });
  });

  it('today is the date in France, not in UTC', () => {
    expect(parisToday(new Date('2026-07-13T22:30:00Z'))).toBe('2026-07-14');
    expect(parisToday(new Date('2026-01-13T22:30:00Z'))).toBe('2026-01-13');
  });

  it('deletion is confirmed by the title, forgiving spaces and case only', () => {
    expect(deleteConfirmed('Arrêts de bus', '  arrêts  DE bus ')).toBe(true);
    expect(deleteConfirmed('Arrêts de bus', 'Arrets de bus')).toBe(false);
    expect(deleteConfirmed('Arrêts de bus', '')).toBe(false);
  });
});
