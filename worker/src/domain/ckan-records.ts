// What the CKAN and DCAT surfaces read from the store: the catalogue rows with the facts `can()` needs.
// Plain data, so shaping (package dicts, DCAT graphs) and searching stay pure.
import type { DatasetFacts, ResourceFacts } from './permissions';
import type { AccessLevel, Granularity, ResourceType, SourceMode, UpdateFrequency } from './vocabulary';

export interface LicenceRecord {
  id: string;
  title: string;
  url: string | null;
  isOpen: boolean;
}

export interface OrganizationRecord {
  id: string;
  slug: string;
  title: string;
  description: string;
  /** Portal path of the logo, or null. */
  logoPath: string | null;
  website: string | null;
  createdAt: string;
}

export interface ThemeRecord {
  id: string;
  slug: string;
  title: string;
  description: string;
  createdAt: string | null;
}

export interface ResourceRecord {
  id: string;
  datasetId: string;
  position: number;
  title: string;
  description: string;
  format: string;
  resourceType: ResourceType;
  sourceMode: SourceMode;
  sourceUrl: string | null;
  fileName: string | null;
  /** True when a file is stored in R2 (served by the download route). */
  stored: boolean;
  mediaType: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  accessLevel: AccessLevel;
  allowedUserIds: string[];
  allowedOrganizationIds: string[];
  createdAt: string;
  modifiedAt: string;
}

export interface DatasetRecord {
  id: string;
  slug: string;
  title: string;
  description: string;
  organization: OrganizationRecord;
  licence: LicenceRecord;
  creatorUserId: string | null;
  updateFrequency: UpdateFrequency;
  granularity: Granularity;
  bbox: [number, number, number, number] | null;
  territoryName: string | null;
  temporalStart: string | null;
  temporalEnd: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  broadcasterName: string | null;
  broadcasterEmail: string | null;
  dateCreated: string;
  dateModified: string;
  datePublished: string;
  published: boolean;
  createdAt: string;
  updatedAt: string;
  themes: ThemeRecord[];
  tags: string[];
  resources: ResourceRecord[];
}

export function datasetFacts(d: DatasetRecord): DatasetFacts {
  return { organizationId: d.organization.id, published: d.published };
}

export function resourceFacts(d: DatasetRecord, r: ResourceRecord): ResourceFacts {
  return {
    accessLevel: r.accessLevel,
    allowedUserIds: r.allowedUserIds,
    allowedOrganizationIds: r.allowedOrganizationIds,
    dataset: datasetFacts(d),
  };
}
