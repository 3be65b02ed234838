// Reads the catalogue for the CKAN and DCAT surfaces: every dataset of active organisations (drafts
// included, each surface asks can() what the actor may see), with themes, tags, resources and the
// allowed lists of restricted resources. Kept in the isolate's memory until the next catalogue change.
import type {
  DatasetRecord, LicenceRecord, OrganizationRecord, ResourceRecord, ThemeRecord,
} from '../domain/ckan-records';
import type { Role } from '../domain/permissions';
import type { AccessLevel, Granularity, ResourceType, SourceMode, UpdateFrequency } from '../domain/vocabulary';
import { publicFilePath } from './files';
import { groupBy } from '../domain/group-by';

interface OrganizationRow {
  id: string; slug: string; legal_name: string; description: string; logo_key: string | null; website: string | null; created_at: string;
}
interface DatasetRow {
  id: string; slug: string; title: string; description: string; organization_id: string; creator_user_id: string | null;
  licence_id: string; update_frequency: UpdateFrequency; granularity: Granularity;
  bbox_west: number | null; bbox_south: number | null; bbox_east: number | null; bbox_north: number | null;
  territory_name: string | null; temporal_start: string | null; temporal_end: string | null;
  owner_name: string | null; owner_email: string | null; broadcaster_name: string | null; broadcaster_email: string | null;
  date_created: string; date_modified: string; date_published: string; published: number; created_at: string; updated_at: string;
}
interface ResourceRow {
  id: string; dataset_id: string; position: number; title: string; description: string; format: string;
  resource_type: ResourceType; source_mode: SourceMode; source_url: string | null; file_key: string | null;
  file_name: string | null; media_type: string | null; size_bytes: number | null; sha256: string | null;
  access_level: AccessLevel; created_at: string; modified_at: string;
}

export interface CkanCatalogue {
  licences: LicenceRecord[];
  organizations: OrganizationRecord[];
  themes: ThemeRecord[];
  datasets: DatasetRecord[];
}


const organization = (o: OrganizationRow): OrganizationRecord => ({
  id: o.id, slug: o.slug, title: o.legal_name, description: o.description,
  logoPath: o.logo_key ? publicFilePath(o.logo_key) : null, website: o.website, createdAt: o.created_at,
});

let cached: { change: string; catalogue: CkanCatalogue } | undefined;

/**
 * The catalogue as of the latest change. Every publish records a `catalogue_changes` row, so one small query tells
 * whether the copy this isolate holds is current; the full read (one batch) happens only after a change.
 * The change's time is part of the key because an emptied table (tests) reuses ids. Drafts change without a
 * catalogue change (nothing public moves): the latest dataset update (indexed) and the count of datasets cover them,
 * so a producer reads back at once what they just wrote; organisations (a few hundred rows) likewise.
 */
export async function currentCatalogue(db: D1Database): Promise<CkanCatalogue> {
  const latest = await db.prepare(
    `SELECT (SELECT id || '@' || changed_at FROM catalogue_changes ORDER BY id DESC LIMIT 1) AS change,
            (SELECT MAX(updated_at) FROM datasets) AS touched, (SELECT COUNT(*) FROM datasets) AS n,
            (SELECT MAX(updated_at) || '#' || COUNT(*) FROM organizations) AS organizations`,
  ).first<{ change: string | null; touched: string | null; n: number; organizations: string | null }>();
  const change = `${latest?.change ?? 'none'}|${latest?.touched ?? ''}|${latest?.n ?? 0}|${latest?.organizations ?? ''}`;
  if (cached?.change === change) return cached.catalogue;
  const catalogue = await loadCatalogue(db);
  cached = { change, catalogue };
  return catalogue;
}

async function loadCatalogue(db: D1Database): Promise<CkanCatalogue> {
  const [licences, themes, orgs, datasets, resources, datasetThemes, datasetTags, allowedOrgs, allowedUsers] = await db.batch([
    db.prepare('SELECT id, title, url, is_open FROM licences ORDER BY position'),
    db.prepare('SELECT id, slug, title, description FROM themes ORDER BY position'),
    db.prepare('SELECT id, slug, legal_name, description, logo_key, website, created_at FROM organizations WHERE is_active = 1'),
    db.prepare('SELECT d.* FROM datasets d JOIN organizations o ON o.id = d.organization_id WHERE o.is_active = 1'),
    db.prepare(`SELECT r.id, r.dataset_id, r.position, r.title, r.description, r.format, r.resource_type, r.source_mode,
                       r.source_url, r.file_key, r.file_name, r.media_type, r.size_bytes, r.sha256, r.access_level,
                       r.created_at, r.modified_at
                FROM resources r ORDER BY r.dataset_id, r.position, r.id`),
    db.prepare('SELECT dt.dataset_id, dt.theme_id FROM dataset_themes dt JOIN themes t ON t.id = dt.theme_id ORDER BY t.position'),
    db.prepare('SELECT dt.dataset_id, t.name FROM dataset_tags dt JOIN tags t ON t.id = dt.tag_id ORDER BY t.name'),
    db.prepare('SELECT resource_id, organization_id FROM resource_allowed_organizations'),
    db.prepare('SELECT resource_id, user_id FROM resource_allowed_users'),
  ]);

  const themeList: ThemeRecord[] = (themes!.results as { id: string; slug: string; title: string; description: string }[])
    .map((t) => ({ ...t, createdAt: null }));
  const themeById = new Map(themeList.map((t) => [t.id, t]));
  const orgList = (orgs!.results as unknown as OrganizationRow[]).map(organization);
  const orgById = new Map(orgList.map((o) => [o.id, o]));
  const licenceList: LicenceRecord[] = (licences!.results as { id: string; title: string; url: string | null; is_open: number }[])
    .map((l) => ({ id: l.id, title: l.title, url: l.url, isOpen: l.is_open === 1 }));
  const licenceById = new Map(licenceList.map((l) => [l.id, l]));
  const resourcesByDataset = groupBy(resources!.results as unknown as ResourceRow[], (r) => r.dataset_id);
  const themesByDataset = groupBy(datasetThemes!.results as { dataset_id: string; theme_id: string }[], (r) => r.dataset_id);
  const tagsByDataset = groupBy(datasetTags!.results as { dataset_id: string; name: string }[], (r) => r.dataset_id);
  const orgsByResource = groupBy(allowedOrgs!.results as { resource_id: string; organization_id: string }[], (r) => r.resource_id);
  const usersByResource = groupBy(allowedUsers!.results as { resource_id: string; user_id: string }[], (r) => r.resource_id);

  const datasetList: DatasetRecord[] = [];
  for (const d of datasets!.results as unknown as DatasetRow[]) {
    const org = orgById.get(d.organization_id);
    const licence = licenceById.get(d.licence_id);
    if (!org || !licence) continue;
    const hasBbox = d.bbox_west !== null && d.bbox_south !== null && d.bbox_east !== null && d.bbox_north !== null;
    datasetList.push({
      id: d.id, slug: d.slug, title: d.title, description: d.description, organization: org, licence,
      creatorUserId: d.creator_user_id, updateFrequency: d.update_frequency, granularity: d.granularity,
      bbox: hasBbox ? [d.bbox_west!, d.bbox_south!, d.bbox_east!, d.bbox_north!] : null,
      territoryName: d.territory_name, temporalStart: d.temporal_start, temporalEnd: d.temporal_end,
      ownerName: d.owner_name, ownerEmail: d.owner_email, broadcasterName: d.broadcaster_name, broadcasterEmail: d.broadcaster_email,
      dateCreated: d.date_created, dateModified: d.date_modified, datePublished: d.date_published, published: d.published === 1,
      createdAt: d.created_at, updatedAt: d.updated_at,
      themes: (themesByDataset.get(d.id) ?? []).flatMap((t) => themeById.get(t.theme_id) ?? []),
      tags: (tagsByDataset.get(d.id) ?? []).map((t) => t.name),
      resources: (resourcesByDataset.get(d.id) ?? []).map((r): ResourceRecord => ({
        id: r.id, datasetId: r.dataset_id, position: r.position, title: r.title, description: r.description, format: r.format,
        resourceType: r.resource_type, sourceMode: r.source_mode, sourceUrl: r.source_url, fileName: r.file_name,
        stored: r.file_key !== null, mediaType: r.media_type, sizeBytes: r.size_bytes, sha256: r.sha256,
        accessLevel: r.access_level,
        allowedUserIds: (usersByResource.get(r.id) ?? []).map((u) => u.user_id),
        allowedOrganizationIds: (orgsByResource.get(r.id) ?? []).map((o) => o.organization_id),
        createdAt: r.created_at, modifiedAt: r.modified_at,
      })),
    });
  }
  return { licences: licenceList, organizations: orgList, themes: themeList, datasets: datasetList };
}

export interface MemberRecord {
  id: string;
  username: string;
  fullName: string;
  isAdmin: boolean;
  createdAt: string;
  role: Role;
}

const ROLE_RANK: Record<Role, number> = { member: 0, contributor: 1, referent: 2 };

/** The people of an organisation with their highest role (organization_show's users, for those can() allows). */
export async function organizationMembers(db: D1Database, organizationId: string): Promise<MemberRecord[]> {
  const rows = await db.prepare(
    `SELECT u.id, u.username, u.first_name, u.last_name, u.is_admin, u.created_at, m.role FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.organization_id = ? ORDER BY u.username`,
  ).bind(organizationId).all<{ id: string; username: string; first_name: string; last_name: string; is_admin: number; created_at: string; role: Role }>();
  const members = new Map<string, MemberRecord>();
  for (const r of rows.results) {
    const known = members.get(r.id);
    if (known && ROLE_RANK[known.role] >= ROLE_RANK[r.role]) continue;
    members.set(r.id, { id: r.id, username: r.username, fullName: `${r.first_name} ${r.last_name}`.trim(), isAdmin: r.is_admin === 1, createdAt: r.created_at, role: r.role });
  }
  return [...members.values()];
}

/** Active organisations and thématiques by id and slug, read afresh for writes (CKAN clients name them either way). */
export async function catalogueNames(db: D1Database): Promise<{ organizations: Array<{ id: string; slug: string }>; themes: Array<{ id: string; slug: string }> }> {
  const [organizations, themes] = await db.batch([
    db.prepare('SELECT id, slug FROM organizations WHERE is_active = 1'),
    db.prepare('SELECT id, slug FROM themes'),
  ]);
  return { organizations: organizations!.results as { id: string; slug: string }[], themes: themes!.results as { id: string; slug: string }[] };
}
