// The catalogue snapshot: what the static build receives. Everything in it is public by construction
// (the export asks can() as an anonymous visitor), so the site never has to filter anything itself.
import type {
  AccessLevel, DataType, Geocover, Granularity, OrganizationType, ResourceType, ShowcaseType, SourceMode,
  UpdateFrequency,
} from './vocabulary';
import type { Style } from './style';

export const SNAPSHOT_SCHEMA_VERSION = 1;

export interface SnapshotLicence {
  id: string;
  title: string;
  url: string | null;
  isOpen: boolean;
}

export interface SnapshotTheme {
  id: string;
  slug: string;
  title: string;
  description: string;
  isoTopic: string;
  datasetCount: number;
}

export interface SnapshotOrganization {
  id: string;
  slug: string;
  legalName: string;
  orgType: OrganizationType;
  description: string;
  logoUrl: string | null;
  website: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  postcode: string | null;
  city: string | null;
  territoryCode: string | null;
  territoryName: string | null;
  datasetCount: number;
  createdAt: string;
}

export interface SnapshotResource {
  id: string;
  title: string;
  description: string;
  format: string;
  resourceType: ResourceType;
  sourceMode: SourceMode;
  accessLevel: AccessLevel;
  /** True when an anonymous visitor may not download it: the page shows a lock and no file URL. */
  restricted: boolean;
  /** Public download URL (portal path or producer URL); null when restricted. */
  url: string | null;
  fileName: string | null;
  sizeBytes: number | null;
  mediaType: string | null;
  downloadCount: number;
  createdAt: string;
  modifiedAt: string;
  /** The served geographic layer of a resource anonymous visitors may download (map preview, "API Géo" panel). */
  layer?: SnapshotLayer;
  /** Loaded into the datastore and readable by anyone ("données requêtables"); null otherwise. */
  datastore: SnapshotDatastore | null;
}

export interface SnapshotDatastore {
  rows: number;
  columns: number;
}

export interface SnapshotLayer {
  /** WMS layer / WFS type name (the WFS type name is prefixed with the organisation slug). */
  name: string;
  title: string;
  geometryType: string;
  featureCount: number;
  /** [west, south, east, north] in EPSG:4326. */
  bbox: [number, number, number, number];
  /** Portal path of the organisation's OGC services (/maps/{org-slug}). */
  servicePath: string;
  /** Portal path of the layer's PMTiles archive (vector tiles whose source layer is `name`). */
  tilesPath: string;
  style: Style;
}

export interface SnapshotDataset {
  id: string;
  slug: string;
  title: string;
  description: string;
  organization: string; // organisation slug
  licence: string; // licence id
  updateFrequency: UpdateFrequency;
  granularity: Granularity;
  geocover: Geocover;
  bbox: [number, number, number, number] | null; // west, south, east, north (WGS84)
  territoryName: string | null;
  temporalStart: string | null;
  temporalEnd: string | null;
  dataTypes: DataType[];
  themes: string[]; // theme slugs
  tags: string[];
  ownerName: string | null;
  broadcasterName: string | null;
  dateCreated: string;
  dateModified: string;
  datePublished: string;
  metadataModified: string;
  downloadCount: number;
  hasRestrictedResources: boolean;
  resources: SnapshotResource[];
}

export interface SnapshotShowcase {
  id: string;
  slug: string;
  title: string;
  description: string;
  url: string | null;
  imageUrl: string | null;
  showcaseType: ShowcaseType;
  authorName: string | null;
  datasets: string[]; // dataset slugs (only published ones)
  createdAt: string;
  updatedAt: string;
}

export interface CatalogueSnapshot {
  schemaVersion: number;
  generatedAt: string;
  /** Last catalogue change included; the site build records it to know whether it is stale. */
  lastChangeId: number;
  licences: SnapshotLicence[];
  themes: SnapshotTheme[];
  organizations: SnapshotOrganization[];
  datasets: SnapshotDataset[];
  showcases: SnapshotShowcase[];
}
