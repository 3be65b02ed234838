// CKAN write payloads (package_create/update/patch, resource_create/update/patch) mapped onto the contributor
// forms' input, so that the forms' validation and publishing path apply unchanged. Pure: the handler supplies what
// the database knows and turns the problems (message keys by CKAN field) into CKAN's Validation Error.
import type { DataDict } from './ckan-search';
import type { DatasetField, DatasetFormInput, FieldProblem } from './dataset-form';
import { FREQUENCY_CODES } from './dcat-vocabulary';
import {
  ACCESS_LEVELS, FORMATS, SYNC_FREQUENCIES, UPDATE_FREQUENCIES, type AccessLevel, type SyncFrequency, type UpdateFrequency,
} from './vocabulary';

export type CkanProblems = Record<string, FieldProblem>;

/** The CKAN key under which a form field's error is reported (the key the client sent). */
export const CKAN_FIELD: Record<DatasetField, string> = {
  title: 'title', organization: 'owner_org', description: 'notes', date_created: 'created', date_modified: 'modified',
  date_published: 'issued', licence: 'license_id', keywords: 'tags', themes: 'groups', update_frequency: 'frequency',
  granularity: 'granularity', geocover: 'spatial', bbox_west: 'spatial', bbox_south: 'spatial', bbox_east: 'spatial',
  bbox_north: 'spatial', data_types: 'data_types', owner_name: 'author', owner_email: 'author_email', broadcaster_name: 'maintainer',
  broadcaster_email: 'maintainer_email', default_access: 'default_access', state: 'private',
};

/** Extras (or top-level keys, as ckanext-scheming clients send them) the portal stores. */
export const PACKAGE_EXTRAS = [
  'frequency', 'granularity', 'spatial', 'spatial-text', 'temporal_start', 'temporal_end', 'issued', 'modified', 'created',
  'data_types', 'default_access',
] as const;

export interface Named { id: string; slug: string }

export interface PackageWriteContext {
  organizations: readonly Named[];
  themes: readonly Named[];
}

export interface PackageWrite {
  input: DatasetFormInput & { values: Record<string, string> };
  /** The address asked for at creation (CKAN's `name`), or undefined to derive it from the title. */
  slug: string | undefined;
  /** Undefined: the stored temporal coverage stays. */
  temporal: { start: string | null; end: string | null } | undefined;
  /** The `resources` list when given: the dataset's resources become these. */
  resources: DataDict[] | undefined;
  problems: CkanProblems;
}

const NAME = /^[a-z0-9_-]{2,100}$/;
const has = (dict: DataDict, key: string) => Object.prototype.hasOwnProperty.call(dict, key);
const text = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'string' ? value : String(value));

export function findNamed<T extends Named>(list: readonly T[], value: unknown): T | undefined {
  const key = text(value).trim();
  return key ? list.find((item) => item.id === key || item.slug === key) : undefined;
}

/** CKAN's boolean validator: JSON booleans, and the strings form posts carry. */
export function ckanBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  const s = text(value).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off', ''].includes(s)) return false;
  return null;
}

/** A list as JSON sends it, or as a form sends it (a JSON string, or comma-separated). */
function listOf(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined || value === '') return [];
  if (typeof value === 'string') {
    const s = value.trim();
    if (s.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(s);
        return Array.isArray(parsed) ? parsed : null;
      } catch {
        return null;
      }
    }
    return s.split(',').map((v) => v.trim()).filter(Boolean);
  }
  return null;
}

const nameOf = (item: unknown): string | null => {
  if (typeof item === 'string') return item.trim();
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    const value = o.name ?? o.id;
    return typeof value === 'string' ? value.trim() : null;
  }
  return null;
};

const EU_FREQUENCY = /^https?:\/\/publications\.europa\.eu\/resource\/authority\/frequency\//i;

/** Our codes, the EU frequency codes and URIs as package_show writes them, and udata's ids. */
export function frequencyFrom(value: string): UpdateFrequency | null {
  const v = value.trim().replace(EU_FREQUENCY, '');
  const lower = v.toLowerCase();
  const own = UPDATE_FREQUENCIES.find((code) => code === lower);
  if (own) return own;
  const eu = UPDATE_FREQUENCIES.find((code) => FREQUENCY_CODES[code] === v.toUpperCase());
  if (eu) return eu;
  const udata: Record<string, UpdateFrequency> = { punctual: 'never', irregular: 'intermittently', biweekly: 'fortnightly', semimonthly: 'fortnightly', biannual: 'semiannual', semiannual: 'semiannual', annual: 'annual', continuous: 'continuously' };
  return udata[lower] ?? null;
}

/** The bbox of a GeoJSON Polygon or MultiPolygon (udata's CKAN backend accepts only these). */
export function bboxOfGeometry(value: unknown): [number, number, number, number] | null {
  let geometry = value;
  if (typeof value === 'string') {
    try {
      geometry = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!geometry || typeof geometry !== 'object') return null;
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  const rings = type === 'Polygon' ? (coordinates as unknown[]) : type === 'MultiPolygon' ? (coordinates as unknown[][] | undefined)?.flat() : null;
  if (!Array.isArray(rings)) return null;
  const points = rings.flat();
  if (points.length < 4 || !points.every((p) => Array.isArray(p) && p.length >= 2 && p.every((n) => typeof n === 'number' && Number.isFinite(n)))) return null;
  const xs = (points as number[][]).map((p) => p[0]!);
  const ys = (points as number[][]).map((p) => p[1]!);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

const TEMPORAL = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

/** A dataset date as the form takes it: a calendar date, the date part of an ISO timestamp kept. */
const dateValue = (value: unknown) => {
  const s = text(value).trim();
  return /^\d{4}-\d{2}-\d{2}T/.test(s) ? s.slice(0, 10) : s;
};

/**
 * Maps a package dict onto the dataset form's input. `base` is where the values start: the form's defaults on
 * creation, the stored dataset on update and patch. Create and update take CKAN's keys as the whole dataset (a core
 * key left out is emptied; extras, when `extras` is given, likewise); patch changes only the keys given.
 */
export function packageWrite(dict: DataDict, base: DatasetFormInput & { values: Record<string, string> }, mode: 'create' | 'update' | 'patch', context: PackageWriteContext,
  current?: { slug: string; id: string }): PackageWrite {
  const problems: CkanProblems = {};
  const values = { ...base.values };
  let themes = [...base.themes];
  let dataTypes = [...base.dataTypes];
  const replace = mode !== 'patch';
  const given = (key: string) => has(dict, key);
  const set = (key: string, field: DatasetField) => {
    if (given(key)) values[field] = text(dict[key]).trim();
    else if (replace && mode === 'update') values[field] = '';
  };

  let slug: string | undefined;
  const name = text(dict.name).trim();
  if (mode === 'create') {
    if (name && !NAME.test(name)) problems.name = 'ckanWrite.name.invalid';
    else slug = name || undefined;
  } else if (name && current && name !== current.slug && name !== current.id) {
    problems.name = 'ckanWrite.name.fixed';
  }
  // CKAN: a missing title is the name.
  if (given('title') || mode === 'create' || mode === 'update') values.title = text(dict.title).trim() || (mode === 'patch' ? values.title ?? '' : name);

  set('notes', 'description');
  set('author', 'owner_name');
  set('author_email', 'owner_email');
  set('maintainer', 'broadcaster_name');
  set('maintainer_email', 'broadcaster_email');
  if (given('license_id')) values.licence = text(dict.license_id).trim();
  if (given('owner_org')) {
    const org = findNamed(context.organizations, dict.owner_org);
    // An unknown organisation is reported as the form does (not one the user may publish for).
    values.organization = org?.id ?? text(dict.owner_org).trim();
  }

  if (given('tags') || given('tag_string') || (replace && mode === 'update')) {
    const list = given('tags') ? listOf(dict.tags) : listOf(text(dict.tag_string));
    const names = list?.map(nameOf);
    if (!names || names.some((n) => n === null)) problems.tags = 'ckanWrite.tags.shape';
    else values.keywords = (names as string[]).join(', ');
  }

  if (given('groups') || (replace && mode === 'update')) {
    const names = listOf(dict.groups)?.map(nameOf);
    if (!names || names.some((n) => n === null)) problems.groups = 'ckanWrite.groups.shape';
    else {
      const unknown = (names as string[]).filter((n) => !findNamed(context.themes, n));
      if (unknown.length) problems.groups = { key: 'ckanWrite.groups.unknown', params: { names: unknown.join(', ') } };
      themes = (names as string[]).flatMap((n) => findNamed(context.themes, n)?.id ?? []);
    }
  }

  // Visibility: CKAN's `private` and a `draft` state both keep the dataset unpublished.
  if (given('private') || given('state') || replace) {
    const isPrivate = given('private') ? ckanBoolean(dict.private) : mode === 'patch' ? values.state === 'draft' : false;
    const state = given('state') ? text(dict.state).trim() : 'active';
    if (isPrivate === null) problems.private = 'ckanWrite.boolean';
    if (state !== 'active' && state !== 'draft') problems.state = 'ckanWrite.state';
    values.state = isPrivate || state === 'draft' ? 'draft' : 'published';
  }

  // Extras, as a list of {key, value}, and the same keys at the top level (top level wins).
  const extras = new Map<string, unknown>();
  if (given('extras')) {
    const list = listOf(dict.extras);
    if (!list || !list.every((e) => e && typeof e === 'object' && typeof (e as { key?: unknown }).key === 'string')) problems.extras = 'ckanWrite.extras.shape';
    else {
      for (const e of list as { key: string; value?: unknown }[]) extras.set(e.key, e.value);
      const unknown = [...extras.keys()].filter((k) => !(PACKAGE_EXTRAS as readonly string[]).includes(k));
      if (unknown.length) problems.extras = { key: 'ckanWrite.extras.unknown', params: { keys: unknown.join(', '), accepted: PACKAGE_EXTRAS.join(', ') } };
    }
  }
  for (const key of PACKAGE_EXTRAS) if (given(key)) extras.set(key, dict[key]);
  // On update, `extras` given means the whole set: those left out go back to their defaults.
  const resetExtras = mode === 'update' && given('extras');
  const extra = (key: (typeof PACKAGE_EXTRAS)[number]) => (extras.has(key) ? extras.get(key) : undefined);
  const present = (key: (typeof PACKAGE_EXTRAS)[number]) => extras.has(key) && text(extras.get(key)).trim() !== '';

  if (present('frequency')) {
    const frequency = frequencyFrom(text(extra('frequency')));
    if (!frequency) problems.frequency = { key: 'ckanWrite.frequency', params: { value: text(extra('frequency')) } };
    else values.update_frequency = frequency;
  } else if (resetExtras) values.update_frequency = 'never';
  if (present('granularity')) values.granularity = text(extra('granularity')).trim();
  else if (resetExtras) values.granularity = 'undefined';
  if (present('default_access')) values.default_access = text(extra('default_access')).trim();
  // Data types are not in package_show's extras: a show → update round trip keeps them.
  if (present('data_types')) {
    const list = listOf(extra('data_types'));
    if (!list || !list.every((v) => typeof v === 'string')) problems.data_types = 'ckanWrite.list';
    else dataTypes = list as string[];
  }
  for (const [key, field] of [['issued', 'date_published'], ['modified', 'date_modified'], ['created', 'date_created']] as const) {
    if (present(key)) values[field] = dateValue(extra(key));
  }
  if (present('spatial')) {
    const bbox = bboxOfGeometry(extra('spatial'));
    if (!bbox) problems.spatial = 'ckanWrite.spatial';
    else {
      values.geocover = 'bbox';
      [values.bbox_west, values.bbox_south, values.bbox_east, values.bbox_north] = bbox.map(String) as [string, string, string, string];
    }
  } else if (resetExtras && values.geocover === 'bbox') values.geocover = 'computed';

  let temporal: PackageWrite['temporal'];
  if (present('temporal_start') || present('temporal_end') || resetExtras) {
    const start = text(extra('temporal_start')).trim() || null;
    const end = text(extra('temporal_end')).trim() || null;
    for (const [key, value] of [['temporal_start', start], ['temporal_end', end]] as const) {
      if (value !== null && !TEMPORAL.test(value)) problems[key] = { key: 'ckanWrite.temporal', params: { value } };
    }
    if (start && end && !problems.temporal_start && !problems.temporal_end && start.localeCompare(end) > 0) problems.temporal_end = 'ckanWrite.temporal.order';
    temporal = { start, end };
  }

  let resources: DataDict[] | undefined;
  if (given('resources')) {
    const list = listOf(dict.resources);
    if (!list || !list.every((r) => r && typeof r === 'object' && !Array.isArray(r))) problems.resources = 'ckanWrite.resources.shape';
    else resources = list as DataDict[];
  }

  return { input: { values, themes, dataTypes }, slug, temporal, resources, problems };
}

// ---- Resources ------------------------------------------------------------------------------------------------------

export type ApiSourceMode = 'upload' | 'url_download' | 'url_reference';

/** A resource as it is stored, for update and patch. */
export interface ResourceBase {
  title: string;
  description: string;
  resourceType: 'raw' | 'documentation' | 'service';
  sourceMode: string;
  sourceUrl: string | null;
  syncFrequency: SyncFrequency;
  format: string;
  accessLevel: AccessLevel;
  allowedUsernames: readonly string[];
  allowedOrganizationIds: readonly string[];
}

export interface ResourceWriteInput {
  title: string;
  description: string;
  resourceType: 'raw' | 'documentation';
  /** `keep`: the stored source stays (no url nor upload given, or the portal's own download URL sent back). */
  sourceMode: ApiSourceMode | 'keep';
  sourceUrl: string | null;
  syncFrequency: SyncFrequency;
  /** A format code of the portal, or '' to take the one recognised from the content. */
  format: string;
  /** Undefined when no access key is given: the current levels (or the dataset's default) stay. */
  access: { level: string; usernames: string[]; organizations: string[] } | undefined;
}

/** CKAN format strings ("csv", "GeoJSON", "application/pdf"…) to the portal's codes. */
export function formatCode(value: string): string | null {
  const v = value.trim().toLowerCase();
  if (!v) return '';
  return FORMATS.find((f) => f.code.toLowerCase() === v || f.label.toLowerCase() === v || f.mediaType === v || f.extensions.includes(v.replace(/^\./, '')))?.code ?? null;
}

/**
 * Maps a resource dict onto the resource form's input. `portalUrl` is the portal's download URL of the resource:
 * sent back unchanged (package_show → package_update), it keeps the stored file. A URL is referenced unless the
 * client asks for a copy (`source_mode: url_download`, or a `sync_frequency` other than never).
 */
export function resourceWrite(dict: DataDict, base: ResourceBase | null, mode: 'create' | 'update' | 'patch', options: { hasUpload: boolean; portalUrl?: string }):
  { input: ResourceWriteInput; problems: CkanProblems } {
  const problems: CkanProblems = {};
  const given = (key: string) => has(dict, key) && dict[key] !== null;
  const keep = mode === 'patch';
  const field = (key: string, current: string) => (given(key) ? text(dict[key]).trim() : keep ? current : '');

  const title = field('name', base?.title ?? '');
  const description = field('description', base?.description ?? '');
  const typeValue = given('resource_type') ? text(dict.resource_type).trim() : null;
  // CKAN's types other than documentation (file, file.upload, api, data…) are the portal's "données brutes".
  const resourceType = typeValue === null ? (keep && base?.resourceType === 'documentation' ? 'documentation' : 'raw')
    : typeValue === 'documentation' ? 'documentation' : 'raw';

  let format = '';
  if (given('format')) {
    const code = formatCode(text(dict.format));
    if (code === null) problems.format = { key: 'ckanWrite.format', params: { value: text(dict.format) } };
    else format = code;
  } else if (mode === 'patch' && base) format = base.format;

  let syncFrequency: SyncFrequency = base?.syncFrequency ?? 'never';
  if (given('sync_frequency')) {
    const value = text(dict.sync_frequency).trim() as SyncFrequency;
    if (!SYNC_FREQUENCIES.includes(value)) problems.sync_frequency = 'resources.error.frequencyInvalid';
    else syncFrequency = value;
  }

  const askedMode = given('source_mode') ? text(dict.source_mode).trim() : null;
  if (askedMode !== null && !['upload', 'url_download', 'url_reference'].includes(askedMode)) problems.source_mode = 'ckanWrite.sourceMode';
  const url = given('url') ? text(dict.url).trim() : '';
  let sourceMode: ResourceWriteInput['sourceMode'] = 'keep';
  let sourceUrl: string | null = base?.sourceUrl ?? null;
  if (options.hasUpload) {
    sourceMode = 'upload';
    sourceUrl = null;
  } else if (url && !(options.portalUrl && url === options.portalUrl)) {
    const copy = askedMode === 'url_download' || (askedMode === null && (syncFrequency !== 'never' && given('sync_frequency')))
      || (askedMode === null && !given('sync_frequency') && base?.sourceMode === 'url_download');
    sourceMode = copy ? 'url_download' : 'url_reference';
    sourceUrl = url;
  } else if (!base) {
    problems.url = 'ckanWrite.resource.source';
  }
  if (askedMode === 'upload' && !options.hasUpload && base?.sourceMode !== 'upload') problems.upload = 'resources.error.fileRequired';

  let access: ResourceWriteInput['access'];
  if (given('access_level') || given('allowed_users') || given('allowed_organizations')) {
    const level = given('access_level') ? text(dict.access_level).trim() : base?.accessLevel ?? 'public';
    if (!ACCESS_LEVELS.includes(level as AccessLevel)) problems.access_level = 'resources.error.accessInvalid';
    const users = given('allowed_users') ? listOf(dict.allowed_users) : [...(base?.allowedUsernames ?? [])];
    const orgs = given('allowed_organizations') ? listOf(dict.allowed_organizations) : [...(base?.allowedOrganizationIds ?? [])];
    if (!users || !users.every((u) => typeof u === 'string')) problems.allowed_users = 'ckanWrite.list';
    if (!orgs || !orgs.every((o) => typeof o === 'string')) problems.allowed_organizations = 'ckanWrite.list';
    access = { level, usernames: (users ?? []).map((u) => text(u).trim().toLowerCase()).filter(Boolean), organizations: (orgs ?? []).map((o) => text(o).trim()).filter(Boolean) };
  }

  return { input: { title, description, resourceType, sourceMode, sourceUrl, syncFrequency, format, access }, problems };
}

/** Whether a resource of a package_update list asks for anything its stored state does not already have. */
export function resourceChanged(input: ResourceWriteInput, base: ResourceBase): boolean {
  if (input.sourceMode !== 'keep' && (input.sourceMode !== base.sourceMode || input.sourceUrl !== base.sourceUrl)) return true;
  if (input.sourceMode === 'url_download' || (input.sourceMode === 'keep' && base.sourceMode === 'url_download')) {
    if (input.syncFrequency !== base.syncFrequency) return true;
  }
  if (input.title !== base.title || input.description !== base.description) return true;
  if (input.resourceType !== (base.resourceType === 'documentation' ? 'documentation' : 'raw')) return true;
  if (input.format && input.format !== base.format) return true;
  if (input.access) {
    const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
    if (input.access.level !== base.accessLevel || !same(input.access.usernames, base.allowedUsernames) || !same(input.access.organizations, base.allowedOrganizationIds)) return true;
  }
  return false;
}
