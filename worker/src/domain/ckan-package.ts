// Shapes catalogue records as CKAN 2.11 dicts (ckan-compat §2.4) that also pass data.gouv.fr's CKAN
// schema (§1.4): every key present, real ints, string formats and dates, absolute URLs, stable ids.
import { sha1 } from '@noble/hashes/legacy';
import type { DatasetRecord, LicenceRecord, OrganizationRecord, ResourceRecord, ThemeRecord } from './ckan-records';
import { lazyFold, type SearchDocument } from './ckan-query';
import { bboxPolygon, FREQUENCY_CODES } from './dcat-vocabulary';
import type { ResourceType } from './vocabulary';

/** CKAN's naive ISO timestamps (`YYYY-MM-DDTHH:MM:SS.ffffff`, UTC). */
export function naiveTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 23)}000`;
}

const stableIds = new Map<string, string>();

/** A UUID (v5 layout) derived from a name: tags have no UUID of their own but CKAN clients require a string id. */
export function stableId(namespace: string, name: string): string {
  const key = `${namespace}:${name}`;
  let id = stableIds.get(key);
  if (id === undefined) stableIds.set(key, (id = uuidFromName(key)));
  return id;
}

function uuidFromName(key: string): string {
  const bytes = sha1(new TextEncoder().encode(key)).slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const RESOURCE_TYPES: Record<ResourceType, string> = { raw: 'file', documentation: 'documentation', service: 'api' };

export const datasetPageUrl = (site: string, d: DatasetRecord) => `${site}/dataset/${d.slug}`;

/** The portal's download route, which checks access itself: restricted resources are listed with it. */
function linkFileName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
}

export function portalDownloadUrl(site: string, r: Pick<ResourceRecord, 'id' | 'datasetId' | 'fileName' | 'sourceUrl'>): string {
  const fileName = r.fileName ?? (r.sourceUrl ? linkFileName(r.sourceUrl) : '');
  return `${site}/dataset/${r.datasetId}/resource/${r.id}/download/${encodeURIComponent(fileName || 'ressource')}`;
}

/** Stored files go through the portal; a producer's link is given as is only to whoever may download it. */
export function resourceUrl(site: string, r: ResourceRecord, downloadable: boolean): string {
  if (!r.stored && r.sourceUrl && downloadable) return r.sourceUrl;
  return portalDownloadUrl(site, r);
}

export function resourceDict(site: string, r: ResourceRecord, position: number, downloadable: boolean) {
  return {
    id: r.id,
    package_id: r.datasetId,
    url: resourceUrl(site, r, downloadable),
    format: r.format,
    description: r.description,
    name: r.title,
    resource_type: RESOURCE_TYPES[r.resourceType],
    mimetype: r.mediaType,
    mimetype_inner: null,
    size: r.sizeBytes,
    hash: r.sha256 ?? '',
    created: naiveTimestamp(r.createdAt),
    last_modified: naiveTimestamp(r.modifiedAt),
    metadata_modified: naiveTimestamp(r.modifiedAt),
    cache_url: null,
    cache_last_updated: null,
    url_type: r.stored ? 'upload' : null,
    state: 'active',
    position,
    access_level: r.accessLevel,
    datastore_active: false,
  };
}

export function organizationSummary(site: string, o: OrganizationRecord) {
  return {
    id: o.id,
    name: o.slug,
    title: o.title,
    type: 'organization',
    description: o.description,
    image_url: o.logoPath ? site + o.logoPath : '',
    created: naiveTimestamp(o.createdAt),
    is_organization: true,
    approval_status: 'approved',
    state: 'active',
  };
}

export function licenceFields(l: LicenceRecord) {
  return { license_id: l.id, license_title: l.title, ...(l.url ? { license_url: l.url } : {}), isopen: l.isOpen };
}

export function tagDict(name: string) {
  return { id: stableId('tag', name), name, display_name: name, state: 'active', vocabulary_id: null };
}

function extras(d: DatasetRecord): { key: string; value: string }[] {
  const list: { key: string; value: string }[] = [];
  if (d.bbox) list.push({ key: 'spatial', value: JSON.stringify(bboxPolygon(d.bbox)) });
  if (d.territoryName) list.push({ key: 'spatial-text', value: d.territoryName });
  list.push({ key: 'frequency', value: FREQUENCY_CODES[d.updateFrequency] });
  if (d.temporalStart) list.push({ key: 'temporal_start', value: d.temporalStart });
  if (d.temporalEnd) list.push({ key: 'temporal_end', value: d.temporalEnd });
  list.push({ key: 'granularity', value: d.granularity });
  list.push({ key: 'issued', value: d.datePublished });
  list.push({ key: 'modified', value: d.dateModified });
  return list;
}

/** package_show's dict. `downloadable` tells, per resource, whether the actor may download it (asked of can()). */
export function packageDict(site: string, d: DatasetRecord, downloadable: (r: ResourceRecord) => boolean) {
  const resources = d.resources.map((r, i) => resourceDict(site, r, i, downloadable(r)));
  return {
    id: d.id,
    name: d.slug,
    title: d.title,
    version: null,
    url: datasetPageUrl(site, d),
    author: d.ownerName,
    author_email: d.ownerEmail,
    maintainer: d.broadcasterName,
    maintainer_email: d.broadcasterEmail,
    notes: d.description,
    ...licenceFields(d.licence),
    type: 'dataset',
    owner_org: d.organization.id,
    creator_user_id: d.creatorUserId,
    private: !d.published,
    state: 'active',
    metadata_created: naiveTimestamp(d.createdAt),
    metadata_modified: naiveTimestamp(d.updatedAt),
    num_resources: resources.length,
    num_tags: d.tags.length,
    organization: organizationSummary(site, d.organization),
    groups: d.themes.map((t) => ({ id: t.id, name: t.slug, title: t.title, display_name: t.title, description: t.description, image_display_url: '' })),
    tags: d.tags.map(tagDict),
    extras: extras(d),
    resources,
    relationships_as_subject: [],
    relationships_as_object: [],
  };
}

export type PackageDict = ReturnType<typeof packageDict>;

/** organization_show / group_show dict (without `packages`, added by the caller when asked). */
export function groupDict(site: string, kind: 'organization' | 'group', record: OrganizationRecord | ThemeRecord, packageCount: number) {
  const isOrganization = kind === 'organization';
  const image = isOrganization && (record as OrganizationRecord).logoPath ? site + (record as OrganizationRecord).logoPath : '';
  const name = record.slug;
  return {
    id: record.id,
    name,
    title: record.title,
    display_name: record.title,
    type: kind,
    description: record.description,
    image_url: image,
    image_display_url: image,
    created: record.createdAt ? naiveTimestamp(record.createdAt) : null,
    is_organization: isOrganization,
    approval_status: 'approved',
    state: 'active',
    package_count: packageCount,
    num_followers: 0,
    extras: [],
    tags: [],
    groups: [],
    users: [],
  };
}

export function licenceDict(l: LicenceRecord) {
  return {
    id: l.id,
    title: l.title,
    url: l.url ?? '',
    status: 'active',
    maintainer: '',
    family: '',
    od_conformance: l.isOpen ? 'approved' : 'not reviewed',
    osd_conformance: 'not reviewed',
    domain_content: false,
    domain_data: true,
    domain_software: false,
    is_generic: l.id.startsWith('other-'),
  };
}

/** The fields package_search's q/fq address, named as in CKAN's Solr index (ckan-compat §2.2). */
export function searchDocument(d: DatasetRecord): SearchDocument {
  return {
    fields: {
      id: [d.id],
      name: [d.slug],
      organization: [d.organization.slug],
      owner_org: [d.organization.id],
      groups: d.themes.map((t) => t.slug),
      tags: d.tags,
      res_format: d.resources.map((r) => r.format),
      res_name: d.resources.map((r) => r.title),
      res_type: d.resources.map((r) => RESOURCE_TYPES[r.resourceType]),
      license_id: [d.licence.id],
      capacity: [d.published ? 'public' : 'private'],
      state: ['active'],
      dataset_type: ['dataset'],
      type: ['dataset'],
      entity_type: ['package'],
      num_resources: [String(d.resources.length)],
      num_tags: [String(d.tags.length)],
      author: d.ownerName ? [d.ownerName] : [],
      maintainer: d.broadcasterName ? [d.broadcasterName] : [],
      extras_frequency: [FREQUENCY_CODES[d.updateFrequency]],
      extras_granularity: [d.granularity],
    },
    dates: { metadata_modified: d.updatedAt, metadata_created: d.createdAt },
    texts: {
      title: lazyFold(() => d.title),
      notes: lazyFold(() => d.description),
      res_description: lazyFold(() => d.resources.map((r) => r.description).join(' ')),
    },
    text: lazyFold(() => [d.title, d.description, d.slug, ...d.tags, d.organization.title, d.organization.slug,
      ...d.themes.map((t) => t.title), ...d.resources.flatMap((r) => [r.title, r.description])].join(' ')),
  };
}

const CAPACITY = { referent: 'admin', contributor: 'editor', member: 'member' } as const;

/** A member as CKAN lists an organisation's users: référents are its admins, contributeurs its editors. */
export function memberDict(m: { id: string; username: string; fullName: string; isAdmin: boolean; createdAt: string; role: keyof typeof CAPACITY }) {
  return {
    id: m.id,
    name: m.username,
    fullname: m.fullName,
    display_name: m.fullName || m.username,
    capacity: CAPACITY[m.role],
    state: 'active',
    sysadmin: m.isAdmin,
    created: naiveTimestamp(m.createdAt),
  };
}
