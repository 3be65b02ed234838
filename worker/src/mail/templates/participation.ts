// Mails of participation (issue 5): access requests and decisions, followers' notifications and digests (each with
// its one-click unsubscribe link), messages relayed to producers, report outcomes, replies to data requests.
// Plain text only: what users typed is quoted as typed, never interpreted.
import type { FollowEvent } from '../../domain/participation-rules';
import type { Env } from '../../env';
import { t } from '../../i18n';
import type { Mail } from '../mailer';

const LANG = 'fr';
const link = (env: Env, path: string) => new URL(path, env.PORTAL_PUBLIC_URL).href;
const unique = (recipients: readonly string[]) => [...new Map(recipients.map((to) => [to.toLowerCase(), to])).values()];
const quote = (text: string) => text.split('\n').map((line) => `> ${line}`).join('\n');

export function accessRequestMails(
  env: Env,
  request: { id: string; datasetTitle: string; resourceTitle: string | null; requesterName: string; requesterEmail: string; reason: string },
  managers: readonly string[],
): Mail[] {
  const what = request.resourceTitle ?? t(LANG, 'participation.access.allResources');
  const params = { dataset: request.datasetTitle, resource: what, name: request.requesterName };
  const toManagers = [
    t(LANG, 'mail.access.request.body', params),
    quote(request.reason),
    t(LANG, 'mail.access.request.link', { link: link(env, `/user/access-requests/${request.id}`) }),
  ].join('\n\n');
  const receipt = [
    t(LANG, 'mail.access.receipt.body', params),
    t(LANG, 'mail.access.receipt.link', { link: link(env, `/user/access-requests/${request.id}`) }),
  ].join('\n\n');
  return [
    ...unique(managers).map((to) => ({ template: 'access_request_created', to, subject: t(LANG, 'mail.access.request.subject', params), text: toManagers })),
    { template: 'access_request_receipt', to: request.requesterEmail, subject: t(LANG, 'mail.access.receipt.subject', params), text: receipt },
  ];
}

export function accessDecisionMail(
  env: Env,
  request: { id: string; datasetTitle: string; datasetSlug: string; resourceTitle: string | null; requesterEmail: string },
  granted: boolean,
  message: string,
): Mail {
  const params = { dataset: request.datasetTitle, resource: request.resourceTitle ?? t(LANG, 'participation.access.allResources') };
  const text = [
    t(LANG, granted ? 'mail.access.granted.body' : 'mail.access.refused.body', params),
    message ? `${t(LANG, 'mail.access.decision.message')}\n${quote(message)}` : '',
    t(LANG, 'mail.access.decision.link', { link: link(env, `/dataset/${request.datasetSlug}`) }),
  ].filter(Boolean).join('\n\n');
  return {
    template: granted ? 'access_request_granted' : 'access_request_refused',
    to: request.requesterEmail,
    subject: t(LANG, granted ? 'mail.access.granted.subject' : 'mail.access.refused.subject', params),
    text,
  };
}

export interface FollowNotice {
  event: FollowEvent;
  datasetSlug: string;
  datasetTitle: string;
  /** Titles of the resources added, for resource_added. */
  detail: string;
}

function noticeLine(env: Env, notice: FollowNotice): string {
  const params = { dataset: notice.datasetTitle, resources: notice.detail };
  return `- ${t(LANG, `mail.follow.event.${notice.event}`, params)}\n  ${link(env, `/dataset/${notice.datasetSlug}`)}`;
}

const unsubscribeLine = (env: Env, followed: string, token: string) =>
  t(LANG, 'mail.follow.unsubscribe', { followed, link: link(env, `/user/subscriptions/unsubscribe?token=${token}`) });

/** One mail per notice for followers who chose "immediately". */
export function followMail(env: Env, to: string, followed: string, notice: FollowNotice, token: string): Mail {
  return {
    template: 'follow_notification',
    to,
    subject: t(LANG, `mail.follow.subject.${notice.event}`, { dataset: notice.datasetTitle }),
    text: [t(LANG, 'mail.follow.intro', { followed }), noticeLine(env, notice), t(LANG, 'mail.follow.manage', { link: link(env, '/user/subscriptions') }), unsubscribeLine(env, followed, token)].join('\n\n'),
  };
}

/** The daily digest of one user: their subscriptions with what happened, each with its own unsubscribe link. */
export function digestMail(env: Env, to: string, sections: ReadonlyArray<{ followed: string; token: string; notices: FollowNotice[] }>): Mail {
  const count = sections.reduce((n, s) => n + s.notices.length, 0);
  const text = [
    t(LANG, 'mail.digest.intro'),
    ...sections.map((s) => [t(LANG, 'mail.digest.section', { followed: s.followed }), ...s.notices.map((n) => noticeLine(env, n)), unsubscribeLine(env, s.followed, s.token)].join('\n')),
    t(LANG, 'mail.follow.manage', { link: link(env, '/user/subscriptions') }),
  ].join('\n\n');
  return { template: 'follow_digest', to, subject: t(LANG, 'mail.digest.subject', { count }), text };
}

/** The message to the producer: the sender's address is given so they can answer; the producer's stays hidden. */
export function producerMessageMail(env: Env, to: string, message: { datasetTitle: string; datasetSlug: string; senderName: string; senderEmail: string; body: string }): Mail {
  const params = { dataset: message.datasetTitle, name: message.senderName, email: message.senderEmail };
  return {
    template: 'producer_contact',
    to,
    subject: t(LANG, 'mail.contact.subject', params),
    text: [t(LANG, 'mail.contact.body', params), quote(message.body), t(LANG, 'mail.contact.link', { link: link(env, `/dataset/${message.datasetSlug}`) }), t(LANG, 'mail.contact.footer')].join('\n\n'),
  };
}

export function producerMessageReceipt(to: string, datasetTitle: string, body: string): Mail {
  return {
    template: 'producer_contact_receipt',
    to,
    subject: t(LANG, 'mail.contact.receipt.subject', { dataset: datasetTitle }),
    text: [t(LANG, 'mail.contact.receipt.body', { dataset: datasetTitle }), quote(body)].join('\n\n'),
  };
}

export type ReportOutcome = 'hidden' | 'deleted' | 'dismissed';

export function reportReceivedMails(env: Env, administrators: readonly string[], report: { title: string; reason: string }): Mail[] {
  const text = [t(LANG, 'mail.report.admin.body', { title: report.title }), quote(report.reason), t(LANG, 'mail.report.admin.link', { link: link(env, '/admin/reports') })].join('\n\n');
  return unique(administrators).map((to) => ({ template: 'report_created', to, subject: t(LANG, 'mail.report.admin.subject', { title: report.title }), text }));
}

export function reportOutcomeMail(to: string, report: { title: string }, outcome: ReportOutcome, message: string): Mail {
  return {
    template: 'report_decided',
    to,
    subject: t(LANG, 'mail.report.outcome.subject', { title: report.title }),
    text: [t(LANG, `mail.report.outcome.${outcome}`, { title: report.title }), message ? quote(message) : ''].filter(Boolean).join('\n\n'),
  };
}

export function dataRequestMails(env: Env, administrators: readonly string[], request: { title: string; name: string; email: string; description: string }): Mail[] {
  const text = [t(LANG, 'mail.dataRequest.admin.body', { title: request.title, name: request.name }), quote(request.description), t(LANG, 'mail.dataRequest.admin.link', { link: link(env, '/admin/data-requests') })].join('\n\n');
  return [
    ...unique(administrators).map((to) => ({ template: 'data_request_created', to, subject: t(LANG, 'mail.dataRequest.admin.subject', { title: request.title }), text })),
    { template: 'data_request_receipt', to: request.email, subject: t(LANG, 'mail.dataRequest.receipt.subject', { title: request.title }), text: t(LANG, 'mail.dataRequest.receipt.body', { title: request.title }) },
  ];
}

export function dataRequestReplyMail(to: string, request: { title: string; status: 'received' | 'forwarded' | 'closed' }, reply: string): Mail {
  return {
    template: 'data_request_reply',
    to,
    subject: t(LANG, 'mail.dataRequest.reply.subject', { title: request.title }),
    text: [t(LANG, 'mail.dataRequest.reply.body', { title: request.title, status: t(LANG, `participation.dataRequest.status.${request.status}`) }), quote(reply)].join('\n\n'),
  };
}
