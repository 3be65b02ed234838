// The one path of a dataset write, shared by the contributor forms and the CKAN write API: validation with can()'s
// decisions, the save (audit, catalogue change → rebuild), the mails to the producer and the référents, and on
// deletion the datastore tables of its tabular resources.
import { conflictErrors, readDatasetForm, type DatasetDraft, type DatasetFormErrors, type DatasetFormInput } from '../domain/dataset-form';
import { tabularKind } from '../domain/datastore-sources';
import { can, type Actor, type DatasetFacts } from '../domain/permissions';
import type { Env } from '../env';
import { enqueueIngest } from '../jobs/ingest';
import { sendMails } from '../mail/mailer';
import { datasetMails } from '../mail/templates/datasets';
import {
  createDataset, deleteDataset, findConflicts, listLicences, listThemes, organizationReferentEmails, updateDataset,
  type DatasetRecord, type PublishingOrganization, type SaveResult,
} from './datasets';
import { findUserById } from './users';

type SignedIn = Extract<Actor, { kind: 'user' }>;

/**
 * Validates a dataset's fields and the decisions can() makes on them: the organisation must be one of
 * `organizations` (where the actor may publish), and a default access level other than the current one needs
 * resource:set-access on the dataset as it will be. Errors are message keys by form field. `slug` is the address asked
 * for a new dataset (CKAN's name); the form derives it from the title.
 */
export async function validateDataset(env: Env, actor: SignedIn, input: DatasetFormInput, organizations: readonly PublishingOrganization[], existing: DatasetRecord | null,
  slug?: string):
  Promise<{ draft: DatasetDraft | null; errors: DatasetFormErrors }> {
  const [licences, themes] = await Promise.all([listLicences(env.DB), listThemes(env.DB)]);
  const { draft, errors } = readDatasetForm(input, {
    organizations, licenceIds: licences.map((l) => l.id), themeIds: themes.map((th) => th.id), existingSlug: existing?.slug ?? slug,
  });
  if (!draft) return { draft, errors };
  const facts: DatasetFacts = { organizationId: draft.organizationId, published: draft.published, creatorUserId: existing ? existing.creatorUserId : actor.id };
  const more: DatasetFormErrors = {};
  if (draft.defaultAccess !== (existing?.defaultAccess ?? 'public') && !can(actor, { action: 'resource:set-access', dataset: facts })) {
    more.default_access = 'datasetForm.choice.invalid';
  }
  Object.assign(more, conflictErrors(await findConflicts(env.DB, draft, existing?.id ?? null)));
  return Object.keys(more).length > 0 ? { draft: null, errors: more } : { draft, errors: {} };
}

export const displayName = (user: { first_name: string; last_name: string; username: string }) =>
  `${user.first_name} ${user.last_name}`.trim() || user.username;

async function authorName(env: Env, actor: SignedIn): Promise<string> {
  const author = await findUserById(env.DB, actor.id);
  return author ? displayName(author) : actor.username ?? '';
}

/** Creates (`existing` null) or updates the dataset, then tells its producer and the organisation's référents. */
export async function saveDataset(env: Env, actor: SignedIn, draft: DatasetDraft, existing: DatasetRecord | null, organizationName: string): Promise<SaveResult> {
  const saved = existing ? await updateDataset(env, actor, existing, draft) : await createDataset(env, actor, draft);
  if (!saved.ok) return saved;
  const creatorUserId = existing ? existing.creatorUserId : actor.id;
  const [referents, creator, author] = await Promise.all([
    organizationReferentEmails(env.DB, draft.organizationId),
    creatorUserId ? findUserById(env.DB, creatorUserId) : Promise.resolve(null),
    authorName(env, actor),
  ]);
  const recipients = [...(creator ? [creator.email] : []), ...referents];
  await sendMails(env, datasetMails(env, existing ? 'updated' : 'created',
    { id: saved.id, title: draft.title, organizationName, published: draft.published }, author, recipients));
  return saved;
}

/** Deletes the dataset with its resources and files, tells the producer and référents, and drops its datastore tables. */
export async function removeDataset(env: Env, actor: SignedIn, dataset: DatasetRecord): Promise<void> {
  // Recipients and resources are read before the rows go: the creator's address comes from the dataset.
  const [referents, creator, author, resources] = await Promise.all([
    organizationReferentEmails(env.DB, dataset.organizationId),
    dataset.creatorUserId ? findUserById(env.DB, dataset.creatorUserId) : Promise.resolve(null),
    authorName(env, actor),
    env.DB.prepare('SELECT id, format, file_name FROM resources WHERE dataset_id = ?').bind(dataset.id)
      .all<{ id: string; format: string; file_name: string | null }>(),
  ]);
  await deleteDataset(env, actor, dataset);
  // The ingest job of a resource gone from the catalogue removes its tables.
  for (const r of resources.results) if (tabularKind(r.format, r.file_name)) await enqueueIngest(env, r.id);
  await sendMails(env, datasetMails(env, 'deleted', dataset, author, [...(creator ? [creator.email] : []), ...referents]));
}
