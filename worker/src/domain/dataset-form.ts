// Step 1 of publishing (the dataset's metadata): what the form accepts, field by field, as IDGO's dataset form
// does. Pure rules: the handler supplies what the database knows (licences, thématiques, the organisations the
// user may publish for) and checks uniqueness; errors are message keys, translated by the page.
import type { MessageKey } from '../i18n';
import { slugify } from './slug';
import {
  ACCESS_LEVELS, DATA_TYPES, GEOCOVERS, GRANULARITIES, UPDATE_FREQUENCIES,
  type AccessLevel, type DataType, type Geocover, type Granularity, type UpdateFrequency,
} from './vocabulary';

export const DATASET_FIELDS = [
  'title', 'organization', 'description', 'date_created', 'date_modified', 'date_published', 'licence', 'keywords',
  'themes', 'update_frequency', 'granularity', 'geocover', 'bbox_west', 'bbox_south', 'bbox_east', 'bbox_north',
  'data_types', 'owner_name', 'owner_email', 'broadcaster_name', 'broadcaster_email', 'default_access', 'state',
] as const;
export type DatasetField = (typeof DATASET_FIELDS)[number];

export type FieldProblem = MessageKey | { key: MessageKey; params: Record<string, string | number> };
export type DatasetFormErrors = Partial<Record<DatasetField, FieldProblem>>;

export const TITLE_MAX = 300;
export const SLUG_MAX = 100;
export const DESCRIPTION_MAX = 100_000;
export const NAME_MAX = 200;
export const KEYWORD_MIN = 2;
export const KEYWORD_MAX = 100;
export const KEYWORDS_MAX = 50;

export interface DatasetDraft {
  title: string;
  slug: string;
  organizationId: string;
  description: string;
  dateCreated: string;
  dateModified: string;
  datePublished: string;
  licenceId: string;
  keywords: string[];
  themeIds: string[];
  updateFrequency: UpdateFrequency;
  granularity: Granularity;
  geocover: Geocover;
  bbox: [west: number, south: number, east: number, north: number] | null;
  territoryCode: string | null;
  territoryName: string | null;
  dataTypes: DataType[];
  ownerName: string | null;
  ownerEmail: string | null;
  broadcasterName: string | null;
  broadcasterEmail: string | null;
  defaultAccess: AccessLevel;
  published: boolean;
  /** Temporal coverage (YYYY, YYYY-MM or YYYY-MM-DD), set by the CKAN API; absent: the stored one stays. */
  temporal?: { start: string | null; end: string | null };
}

/** What the submitted form holds: single fields as strings, the two checkbox groups as lists. */
export interface DatasetFormInput {
  values: Readonly<Record<string, string>>;
  themes: readonly string[];
  dataTypes: readonly string[];
}

export interface PublishableOrganization {
  id: string;
  territoryCode: string | null;
  territoryName: string | null;
}

export interface DatasetFormContext {
  /** The organisations this user may put the dataset in (can dataset:create, plus its current one on edit). */
  organizations: readonly PublishableOrganization[];
  licenceIds: readonly string[];
  themeIds: readonly string[];
  /** On edit the address stays the one already shared and harvested; on creation it comes from the title. */
  existingSlug?: string;
}

/** Today's date in France, where the portal's producers are (a UTC date would be yesterday after 22:00 in summer). */
export function parisToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// IDGO: at least two characters and no special characters; letters of any language, digits, spaces, ' - _ .
const KEYWORD = /^[\p{L}\p{N}][\p{L}\p{N} '’._-]*$/u;

/** Keywords typed as a comma-separated list (the form works without the autocomplete script), de-duplicated. */
export function splitKeywords(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/[,;\n]/)) {
    const keyword = raw.trim().replace(/\s+/g, ' ');
    if (!keyword || seen.has(keyword.toLocaleLowerCase('fr'))) continue;
    seen.add(keyword.toLocaleLowerCase('fr'));
    out.push(keyword);
  }
  return out;
}

function readCoordinate(text: string | undefined, limit: number): number | null | 'invalid' {
  const value = (text ?? '').trim().replace(',', '.');
  if (!value) return null;
  if (!/^-?\d+(\.\d+)?$/.test(value)) return 'invalid';
  const n = Number(value);
  return Math.abs(n) <= limit ? n : 'invalid';
}

const oneOf = <T extends string>(list: readonly T[], value: string | undefined): value is T => list.includes(value as T);

export function readDatasetForm(input: DatasetFormInput, context: DatasetFormContext): { draft: DatasetDraft | null; errors: DatasetFormErrors } {
  const errors: DatasetFormErrors = {};
  const text = (name: DatasetField) => (input.values[name] ?? '').trim();
  const optional = (name: DatasetField) => text(name) || null;

  const title = text('title').replace(/\s+/g, ' ');
  const slug = context.existingSlug ?? slugify(title, SLUG_MAX);
  if (!title) errors.title = 'datasetForm.title.required';
  else if (title.length > TITLE_MAX) errors.title = { key: 'datasetForm.tooLong', params: { max: TITLE_MAX } };
  else if (!slug) errors.title = 'datasetForm.title.noSlug';

  const organization = context.organizations.find((o) => o.id === text('organization'));
  if (!text('organization')) errors.organization = 'datasetForm.organization.required';
  else if (!organization) errors.organization = 'datasetForm.organization.notAllowed';

  const description = (input.values.description ?? '').replace(/\r\n/g, '\n').trim();
  if (!description) errors.description = 'datasetForm.description.required';
  else if (description.length > DESCRIPTION_MAX) errors.description = { key: 'datasetForm.tooLong', params: { max: DESCRIPTION_MAX } };

  for (const name of ['date_created', 'date_modified', 'date_published'] as const) {
    if (!text(name)) errors[name] = 'datasetForm.date.required';
    else if (!isCalendarDate(text(name))) errors[name] = 'datasetForm.date.invalid';
  }

  if (!text('licence')) errors.licence = 'datasetForm.licence.required';
  else if (!context.licenceIds.includes(text('licence'))) errors.licence = 'datasetForm.licence.unknown';

  const keywords = splitKeywords(input.values.keywords ?? '');
  const badKeyword = keywords.find((k) => k.length < KEYWORD_MIN || k.length > KEYWORD_MAX || !KEYWORD.test(k));
  if (badKeyword) errors.keywords = { key: 'datasetForm.keywords.invalid', params: { keyword: badKeyword, min: KEYWORD_MIN, max: KEYWORD_MAX } };
  else if (keywords.length > KEYWORDS_MAX) errors.keywords = { key: 'datasetForm.keywords.tooMany', params: { max: KEYWORDS_MAX } };

  const themeIds = [...new Set(input.themes)];
  if (themeIds.some((id) => !context.themeIds.includes(id))) errors.themes = 'datasetForm.themes.unknown';
  const dataTypes = [...new Set(input.dataTypes)];
  if (!dataTypes.every((d) => oneOf(DATA_TYPES, d))) errors.data_types = 'datasetForm.choice.invalid';

  const updateFrequency = text('update_frequency') || 'never';
  if (!oneOf(UPDATE_FREQUENCIES, updateFrequency)) errors.update_frequency = 'datasetForm.choice.invalid';
  const granularity = text('granularity') || 'undefined';
  if (!oneOf(GRANULARITIES, granularity)) errors.granularity = 'datasetForm.choice.invalid';
  const defaultAccess = text('default_access') || 'public';
  if (!oneOf(ACCESS_LEVELS, defaultAccess)) errors.default_access = 'datasetForm.choice.invalid';
  const state = text('state') || 'draft';
  if (state !== 'draft' && state !== 'published') errors.state = 'datasetForm.choice.invalid';

  const geocover = text('geocover') || 'computed';
  let bbox: DatasetDraft['bbox'] = null;
  let territoryCode: string | null = null;
  let territoryName: string | null = null;
  if (!oneOf(GEOCOVERS, geocover)) {
    errors.geocover = 'datasetForm.choice.invalid';
  } else if (geocover === 'bbox') {
    const sides = [
      ['bbox_west', 180], ['bbox_south', 90], ['bbox_east', 180], ['bbox_north', 90],
    ] as const;
    const values = sides.map(([name, limit]) => {
      const value = readCoordinate(input.values[name], limit);
      if (value === null) errors[name] = 'datasetForm.bbox.required';
      else if (value === 'invalid') errors[name] = { key: 'datasetForm.bbox.invalid', params: { limit } };
      return value;
    });
    const [west, south, east, north] = values;
    if (typeof west === 'number' && typeof east === 'number' && west >= east) errors.bbox_east = 'datasetForm.bbox.eastOfWest';
    if (typeof south === 'number' && typeof north === 'number' && south >= north) errors.bbox_north = 'datasetForm.bbox.northOfSouth';
    if (values.every((v) => typeof v === 'number')) bbox = values as [number, number, number, number];
  } else if (geocover === 'jurisdiction' && organization) {
    // IDGO's "territoire de compétence" cover is the organisation's: without one there is nothing to cover.
    if (!organization.territoryCode) errors.geocover = 'datasetForm.geocover.noTerritory';
    territoryCode = organization.territoryCode;
    territoryName = organization.territoryName;
  }

  const name = (field: 'owner_name' | 'broadcaster_name') => {
    if (text(field).length > NAME_MAX) errors[field] = { key: 'datasetForm.tooLong', params: { max: NAME_MAX } };
    return optional(field);
  };
  const email = (field: 'owner_email' | 'broadcaster_email') => {
    if (text(field) && !EMAIL.test(text(field))) errors[field] = 'datasetForm.email.invalid';
    return optional(field);
  };
  const ownerName = name('owner_name');
  const ownerEmail = email('owner_email');
  const broadcasterName = name('broadcaster_name');
  const broadcasterEmail = email('broadcaster_email');

  if (Object.keys(errors).length > 0) return { draft: null, errors };
  return {
    errors,
    draft: {
      title, slug, organizationId: organization!.id, description,
      dateCreated: text('date_created'), dateModified: text('date_modified'), datePublished: text('date_published'),
      licenceId: text('licence'), keywords, themeIds,
      updateFrequency: updateFrequency as UpdateFrequency, granularity: granularity as Granularity, geocover: geocover as Geocover,
      bbox, territoryCode, territoryName, dataTypes: dataTypes as DataType[],
      ownerName, ownerEmail, broadcasterName, broadcasterEmail,
      defaultAccess: defaultAccess as AccessLevel, published: state === 'published',
    },
  };
}

/** What another dataset already uses, as found by the store. */
export interface DatasetConflicts {
  titleTaken: boolean;
  slugTaken: boolean;
}

/** IDGO requires unique titles; the address derived from the title must be free too. */
export function conflictErrors(conflicts: DatasetConflicts): DatasetFormErrors {
  if (conflicts.titleTaken) return { title: 'datasetForm.title.taken' };
  if (conflicts.slugTaken) return { title: 'datasetForm.title.slugTaken' };
  return {};
}

/** The values a new dataset form starts with: today's dates and, as IDGO does, the user as producer and the organisation as diffuseur. */
export function newDatasetValues(
  user: { name: string; email: string },
  organization: { id: string; legalName: string; email: string | null; defaultLicenceId: string | null } | null,
  today: string,
): Record<string, string> {
  return {
    organization: organization?.id ?? '',
    date_created: today,
    date_modified: today,
    date_published: today,
    licence: organization?.defaultLicenceId ?? '',
    update_frequency: 'never',
    granularity: 'undefined',
    geocover: 'computed',
    owner_name: user.name,
    owner_email: user.email,
    broadcaster_name: organization?.legalName ?? '',
    broadcaster_email: organization?.email ?? '',
    default_access: 'public',
    state: 'draft',
  };
}

/** What a stored dataset gives back to the form (and to partial writes such as CKAN's package_patch). */
export interface DatasetValuesSource {
  title: string; organizationId: string; description: string; dateCreated: string; dateModified: string; datePublished: string;
  licenceId: string; keywords: readonly string[]; updateFrequency: UpdateFrequency; granularity: Granularity; geocover: Geocover;
  bbox: readonly [number, number, number, number] | null; ownerName: string | null; ownerEmail: string | null;
  broadcasterName: string | null; broadcasterEmail: string | null; defaultAccess: AccessLevel; published: boolean;
  themeIds: readonly string[]; dataTypes: readonly string[];
}

/** A stored dataset as the form's input: saving it unchanged gives the same dataset. */
export function datasetFormInput(d: DatasetValuesSource): DatasetFormInput & { values: Record<string, string> } {
  const coordinate = (n: number | undefined) => (n === undefined ? '' : String(n));
  const bbox = d.bbox ?? [];
  return {
    values: {
      title: d.title, organization: d.organizationId, description: d.description, date_created: d.dateCreated,
      date_modified: d.dateModified, date_published: d.datePublished, licence: d.licenceId, keywords: d.keywords.join(', '),
      update_frequency: d.updateFrequency, granularity: d.granularity, geocover: d.geocover,
      bbox_west: coordinate(bbox[0]), bbox_south: coordinate(bbox[1]), bbox_east: coordinate(bbox[2]), bbox_north: coordinate(bbox[3]),
      owner_name: d.ownerName ?? '', owner_email: d.ownerEmail ?? '', broadcaster_name: d.broadcasterName ?? '',
      broadcaster_email: d.broadcasterEmail ?? '', default_access: d.defaultAccess, state: d.published ? 'published' : 'draft',
    },
    themes: [...d.themeIds],
    dataTypes: [...d.dataTypes],
  };
}

/** Deleting asks for the dataset's title: spaces and letter case are forgiven, nothing else. */
export function deleteConfirmed(title: string, typed: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLocaleLowerCase('fr');
  return typed.trim() !== '' && norm(title) === norm(typed);
}
