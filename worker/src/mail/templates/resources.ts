// Mails of resource changes (IDGO's resource_created / resource_updated / resource_deleted / resource_failed): to the
// organisation's référents on every change; a failed sync also goes to the dataset's producer (owner e-mail).
import type { Env } from '../../env';
import { t } from '../../i18n';
import { formatDateTime } from '../../render/dates';
import type { Mail } from '../mailer';

const LANG = 'fr';

export interface ResourceMailFacts {
  datasetId: string;
  datasetTitle: string;
  organizationName: string;
  resourceId: string;
  resourceTitle: string;
}

const portalUrl = (env: Env, path: string) => new URL(path, env.PORTAL_PUBLIC_URL).href;
const unique = (addresses: readonly (string | null)[]) => [...new Set(addresses.filter((a): a is string => !!a).map((a) => a.toLowerCase()))];

export function resourceChangedMails(env: Env, event: 'created' | 'updated' | 'deleted', facts: ResourceMailFacts, actorName: string, referents: readonly string[]): Mail[] {
  const params = { actor: actorName, resource: facts.resourceTitle, dataset: facts.datasetTitle, organization: facts.organizationName };
  const link = event === 'deleted'
    ? portalUrl(env, `/user/datasets/${facts.datasetId}/edit`)
    : portalUrl(env, `/user/datasets/${facts.datasetId}/resources/${facts.resourceId}/edit`);
  const text = [t(LANG, `mail.resource.${event}.body`, params), t(LANG, 'mail.resource.link', { link })].join('\n\n');
  return unique(referents).map((to) => ({ template: `resource_${event}`, to, subject: t(LANG, `mail.resource.${event}.subject`, params), text }));
}

export function resourceFailedMails(env: Env, facts: ResourceMailFacts, error: string, at: Date, recipients: readonly (string | null)[]): Mail[] {
  const params = { resource: facts.resourceTitle, dataset: facts.datasetTitle, organization: facts.organizationName, error, date: formatDateTime(LANG, at.toISOString()) };
  const text = [
    t(LANG, 'mail.resource.failed.body', params),
    t(LANG, 'mail.resource.link', { link: portalUrl(env, `/user/datasets/${facts.datasetId}/resources/${facts.resourceId}/edit`) }),
    t(LANG, 'mail.resource.syncsLink', { link: portalUrl(env, '/user/syncs') }),
  ].join('\n\n');
  return unique(recipients).map((to) => ({ template: 'resource_failed', to, subject: t(LANG, 'mail.resource.failed.subject', params), text }));
}
