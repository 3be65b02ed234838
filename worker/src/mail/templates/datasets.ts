// Mails on each dataset created, updated or deleted in an organisation (IDGO's dataset_created / dataset_updated /
// dataset_deleted): to the dataset's producer (the contributor who created it) and to the organisation's référents.
import type { Env } from '../../env';
import { t } from '../../i18n';
import type { Mail } from '../mailer';

const LANG = 'fr';

export type DatasetEvent = 'created' | 'updated' | 'deleted';

const TEMPLATE: Record<DatasetEvent, string> = {
  created: 'dataset_created',
  updated: 'dataset_updated',
  deleted: 'dataset_deleted',
};

export function datasetMails(
  env: Env,
  event: DatasetEvent,
  dataset: { id: string; title: string; organizationName: string; published: boolean },
  actorName: string,
  recipients: readonly string[],
): Mail[] {
  const params = {
    title: dataset.title,
    organization: dataset.organizationName,
    actor: actorName,
    state: t(LANG, dataset.published ? 'mail.dataset.state.published' : 'mail.dataset.state.draft'),
  };
  const text = [
    t(LANG, `mail.dataset.${event}.body`, params),
    // A deleted dataset has no page left to point to.
    event === 'deleted' ? '' : t(LANG, 'mail.dataset.link', { link: new URL(`/user/datasets/${dataset.id}/edit`, env.PORTAL_PUBLIC_URL).href }),
    t(LANG, 'mail.dataset.footer'),
  ].filter(Boolean).join('\n\n');
  const subject = t(LANG, `mail.dataset.${event}.subject`, params);
  const unique = [...new Map(recipients.map((to) => [to.toLowerCase(), to])).values()];
  return unique.map((to) => ({ template: TEMPLATE[event], to, subject, text }));
}
