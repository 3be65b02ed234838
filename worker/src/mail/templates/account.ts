// Mails of the account's life (IDGO's confirm_account_creation, account_activated, reset_password, account_deleted,
// plus the changes of e-mail and password a modern portal announces). Links are absolute, on PORTAL_PUBLIC_URL.
import type { Env } from '../../env';
import { t, type MessageKey, type Params } from '../../i18n';
import type { Mail } from '../mailer';

const LANG = 'fr';

interface Recipient {
  username: string;
  first_name: string;
  email: string;
}

function portalUrl(env: Env, path: string): string {
  return new URL(path, env.PORTAL_PUBLIC_URL).href;
}

function compose(env: Env, template: string, to: string, user: Recipient, subject: MessageKey, body: MessageKey, params: Params = {}): Mail {
  const all = { portal: env.PORTAL_NAME?.trim() || t(LANG, 'site.name'), name: user.first_name || user.username, username: user.username, ...params };
  return {
    template,
    to,
    subject: t(LANG, subject, all),
    text: [t(LANG, 'mail.account.greeting', all), t(LANG, body, all), t(LANG, 'mail.account.signature', all)].join('\n\n'),
  };
}

export function confirmAccountCreationMail(env: Env, user: Recipient, secret: string): Mail {
  return compose(env, 'confirm_account_creation', user.email, user, 'mail.account.confirm.subject', 'mail.account.confirm.body',
    { link: portalUrl(env, `/user/confirm?token=${secret}`), resend: portalUrl(env, '/user/confirm/resend') });
}

export function accountActivatedMail(env: Env, user: Recipient): Mail {
  return compose(env, 'account_activated', user.email, user, 'mail.account.activated.subject', 'mail.account.activated.body',
    { link: portalUrl(env, '/user/login') });
}

export function resetPasswordMail(env: Env, user: Recipient, secret: string): Mail {
  return compose(env, 'reset_password', user.email, user, 'mail.account.reset.subject', 'mail.account.reset.body',
    { link: portalUrl(env, `/user/reset/new?token=${secret}`) });
}

export function passwordChangedMail(env: Env, user: Recipient): Mail {
  return compose(env, 'password_changed', user.email, user, 'mail.account.passwordChanged.subject', 'mail.account.passwordChanged.body',
    { link: portalUrl(env, '/user/reset') });
}

/** To the new address: the link that proves it. */
export function confirmEmailChangeMail(env: Env, user: Recipient, newEmail: string, secret: string): Mail {
  return compose(env, 'confirm_email_change', newEmail, user, 'mail.account.emailChange.subject', 'mail.account.emailChange.body',
    { link: portalUrl(env, `/user/email/confirm?token=${secret}`), email: newEmail });
}

/** To the old address, when the change is asked: someone who took over the session is noticed. */
export function emailChangeRequestedMail(env: Env, user: Recipient, newEmail: string): Mail {
  return compose(env, 'email_change_requested', user.email, user, 'mail.account.emailChangeRequested.subject',
    'mail.account.emailChangeRequested.body', { email: newEmail, link: portalUrl(env, '/user/password') });
}

/** To the old address, once the new one is confirmed. */
export function emailChangedMail(env: Env, user: Recipient, oldEmail: string, newEmail: string): Mail {
  return compose(env, 'email_changed', oldEmail, user, 'mail.account.emailChanged.subject', 'mail.account.emailChanged.body', { email: newEmail });
}

export function accountDeletedMail(env: Env, user: Recipient): Mail {
  return compose(env, 'account_deleted', user.email, user, 'mail.account.deleted.subject', 'mail.account.deleted.body');
}
