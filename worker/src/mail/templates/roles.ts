// Mails of role and organisation requests: to the validators when a request arrives, to the requester on the
// decision (IDGO's confirm_*_status → *_status_confirmed family, with refusals too).
import type { RequestKind } from '../../domain/role-requests';
import type { Env } from '../../env';
import { t } from '../../i18n';
import type { Mail } from '../mailer';

const LANG = 'fr';

const TEMPLATE_SUBMITTED: Record<RequestKind, string> = {
  member: 'confirm_membership_status',
  contributor: 'confirm_contributor_status',
  referent: 'confirm_referent_status',
  organization: 'confirm_organisation_creation',
};

const TEMPLATE_DECIDED: Record<RequestKind, string> = {
  member: 'membership_status_confirmed',
  contributor: 'contributor_status_confirmed',
  referent: 'referent_status_confirmed',
  organization: 'organisation_creation_confirmed',
};

export const kindLabel = (kind: RequestKind) => t(LANG, `roles.kind.${kind}`);

function portalUrl(env: Env, path: string): string {
  return new URL(path, env.PORTAL_PUBLIC_URL).href;
}

export function requestSubmittedMails(
  env: Env,
  request: { kind: RequestKind; legal_name: string; username: string; first_name: string; last_name: string; email: string; message: string },
  validators: readonly string[],
): Mail[] {
  const params = {
    request: kindLabel(request.kind),
    organization: request.legal_name,
    name: `${request.first_name} ${request.last_name}`.trim() || request.username,
    username: request.username,
    email: request.email,
    link: portalUrl(env, '/user/validation'),
  };
  const text = [
    t(LANG, 'mail.request.submitted.body', params),
    request.message ? t(LANG, 'mail.request.submitted.message', { message: request.message }) : '',
    t(LANG, 'mail.request.submitted.action', params),
  ].filter(Boolean).join('\n\n');
  return validators.map((to) => ({
    template: TEMPLATE_SUBMITTED[request.kind],
    to,
    subject: t(LANG, 'mail.request.submitted.subject', params),
    text,
  }));
}

export function requestDecidedMail(
  env: Env,
  request: { kind: RequestKind; legal_name: string; email: string },
  accepted: boolean,
  note: string,
): Mail {
  const params = { request: kindLabel(request.kind), organization: request.legal_name, link: portalUrl(env, '/user') };
  const text = [
    t(LANG, accepted ? 'mail.request.accepted.body' : 'mail.request.refused.body', params),
    note ? t(LANG, 'mail.request.decided.note', { note }) : '',
    t(LANG, 'mail.request.decided.footer', params),
  ].filter(Boolean).join('\n\n');
  return {
    template: TEMPLATE_DECIDED[request.kind],
    to: request.email,
    subject: t(LANG, accepted ? 'mail.request.accepted.subject' : 'mail.request.refused.subject', params),
    text,
  };
}
