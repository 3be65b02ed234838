// The one path of a resource write, shared by the resource form and the CKAN write API: the source fetched (URL with
// the SSRF rules, SFTP deposit) when it changed, the format settled from the content, the save (version, sync run,
// audit, catalogue change → rebuild, datastore ingest of a tabular file) and the référents' mail.
import { compatibleFormats, extensionOf } from '../domain/format-detect';
import type { Actor } from '../domain/permissions';
import { FORMATS, formatInfo, type AccessLevel } from '../domain/vocabulary';
import type { Env } from '../env';
import { t } from '../i18n';
import { sendMails } from '../mail/mailer';
import { resourceChangedMails } from '../mail/templates/resources';
import { organizationReferentEmails } from './datasets';
import {
  deleteResource, saveResource, type ManagedDataset, type ManagedResource, type NewVersion, type ResourceInput,
} from './resource-catalogue';
import { checkUrl, problemText, storeFromDeposit, storeFromUrl, type Sourced } from './resource-sources';

type SignedIn = Extract<Actor, { kind: 'user' }>;

export const actorName = (actor: SignedIn) => actor.username ?? actor.id;
const formatLabel = (code: string) => formatInfo(code)?.label ?? code;
/** Title from a file name when the producer leaves it empty, as IDGO does. */
const titleFromFileName = (name: string) => name.replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' ').trim();

export interface ResourceWrite {
  /** The validated fields; an empty title is filled from the file name or the URL. */
  input: Omit<ResourceInput, 'format' | 'access'>;
  /** The producer's format ('' to take the recognised one), checked against what the content allows. */
  chosenFormat: string;
  access: ResourceInput['access'];
  /** A file already stored at its version key and judged (form upload, API upload), with the staged upload's id. */
  upload: { version: NewVersion; format: string | null; uploadId: string | null } | null;
}

export type ResourceWriteResult =
  | { ok: true; id: string; title: string; format: string }
  | { ok: false; field: 'url' | 'sftp_path' | 'format'; message: string };

/** Why a URL typed for a resource is refused (SSRF rules when the portal fetches it), or null. */
export function sourceUrlProblem(env: Env, mode: 'url_download' | 'url_reference', url: string): string | null {
  if (!url) return t('fr', 'resources.error.urlRequired');
  if (mode === 'url_download') {
    const refused = checkUrl(env, url);
    return refused ? problemText(refused) : null;
  }
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // refused below
  }
  return parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:') ? null : t('fr', 'resources.error.url.scheme');
}

/**
 * Resolves an access level's lists: usernames to ids (each must exist), organisation ids (each must exist). Problems
 * are French messages by form field.
 */
export async function resolveAccess(db: D1Database, level: AccessLevel, usernames: readonly string[], organizationIds: readonly string[]):
  Promise<{ access: NonNullable<ResourceInput['access']>; problems: Partial<Record<'allowed_users' | 'allowed_organizations', string>> }> {
  const problems: Partial<Record<'allowed_users' | 'allowed_organizations', string>> = {};
  let userIds: string[] = [];
  if (level === 'listed_users') {
    if (usernames.length === 0) problems.allowed_users = t('fr', 'resources.error.usersRequired');
    else {
      const found = await db.prepare(`SELECT id, username FROM users WHERE username IN (${usernames.map(() => '?').join(',')})`).bind(...usernames)
        .all<{ id: string; username: string }>();
      const unknown = usernames.filter((u) => !found.results.some((f) => f.username === u));
      if (unknown.length) problems.allowed_users = t('fr', 'resources.error.usersUnknown', { names: unknown.join(', ') });
      userIds = found.results.map((f) => f.id);
    }
  }
  if (level === 'listed_organizations') {
    if (organizationIds.length === 0) problems.allowed_organizations = t('fr', 'resources.error.organizationsRequired');
    else {
      const found = await db.prepare(`SELECT COUNT(*) AS n FROM organizations WHERE id IN (${organizationIds.map(() => '?').join(',')})`).bind(...organizationIds).first<{ n: number }>();
      if (found?.n !== organizationIds.length) problems.allowed_organizations = t('fr', 'resources.error.organizationsUnknown');
    }
  }
  return { access: { level, userIds, organizationIds: [...organizationIds] }, problems };
}

/** Creates (`existing` null) or updates resource `resourceId` of the dataset. Nothing is saved when it fails. */
export async function publishResource(env: Env, actor: SignedIn, dataset: ManagedDataset, resourceId: string, existing: ManagedResource | null,
  write: ResourceWrite, now = new Date()): Promise<ResourceWriteResult> {
  const { input, upload } = write;
  // Other sources are fetched when they are new or changed (nothing fetched for an unchanged URL or deposit).
  let sourced: Sourced | null = null;
  const changedSource = !existing || existing.sourceMode !== input.sourceMode
    || (input.sourceMode === 'url_download' && existing.sourceUrl !== input.sourceUrl)
    || (input.sourceMode === 'sftp' && existing.sftpPath !== input.sftpPath);
  if (input.sourceMode === 'url_download' && changedSource) sourced = await storeFromUrl(env, resourceId, input.sourceUrl!);
  if (input.sourceMode === 'sftp' && changedSource) sourced = await storeFromDeposit(env, resourceId, actor.id, input.sftpPath!);
  if (sourced && !sourced.ok) return { ok: false, field: input.sourceMode === 'sftp' ? 'sftp_path' : 'url', message: problemText(sourced.problem) };
  const version = upload?.version ?? (sourced?.ok ? sourced.version : null);

  // The format: the producer's choice within what the content allows, else the recognised one.
  const detected = upload ? upload.format : sourced?.ok ? sourced.format : existing?.fileKey && input.sourceMode !== 'url_reference' ? existing.format : undefined;
  let format = write.chosenFormat;
  const fail = async (message: string): Promise<ResourceWriteResult> => {
    if (sourced?.ok) await env.FILES.delete(sourced.version.key);
    return { ok: false, field: 'format', message };
  };
  if (detected !== undefined) {
    const allowed = compatibleFormats(detected);
    if (format && !allowed.includes(format)) {
      return fail(t('fr', 'resources.error.formatIncompatible', {
        detected: detected ? formatLabel(detected) : t('fr', 'resources.error.unrecognised'), choices: allowed.map(formatLabel).join(', '),
      }));
    }
    format ||= detected ?? '';
  } else if (!format && input.sourceMode === 'url_reference') {
    format = FORMATS.find((f) => f.extensions.includes(extensionOf(new URL(input.sourceUrl!).pathname)))?.code ?? 'HTML';
  }
  if (!format) return fail(t('fr', 'resources.error.formatRequired'));

  const title = input.title || titleFromFileName(version?.fileName ?? existing?.title ?? '') || (input.sourceUrl ?? '');
  await saveResource(env, actor, dataset, resourceId, existing, { ...input, title, format, access: write.access }, version, now,
    upload?.uploadId ?? null, sourced?.ok ? 'form' : null);
  await sendMails(env, resourceChangedMails(env, existing ? 'updated' : 'created', {
    datasetId: dataset.id, datasetTitle: dataset.title, organizationName: dataset.organizationName, resourceId, resourceTitle: title,
  }, actorName(actor), await organizationReferentEmails(env.DB, dataset.organizationId)));
  return { ok: true, id: resourceId, title, format };
}

/** Deletes the resource, its files and datastore tables (resource-catalogue), and tells the référents. */
export async function removeResource(env: Env, actor: SignedIn, dataset: ManagedDataset, resource: ManagedResource, now = new Date()): Promise<void> {
  await deleteResource(env, actor, dataset, resource, now);
  await sendMails(env, resourceChangedMails(env, 'deleted', {
    datasetId: dataset.id, datasetTitle: dataset.title, organizationName: dataset.organizationName, resourceId: resource.id, resourceTitle: resource.title,
  }, actorName(actor), await organizationReferentEmails(env.DB, dataset.organizationId)));
}
