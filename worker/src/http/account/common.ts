// Pieces shared by the account pages: a short message page, the refusal of a mail link, and the form parts every
// account form repeats.
import type { Env } from '../../env';
import { t, type MessageKey } from '../../i18n';
import { html, type Html, type Part } from '../../render/html';
import { errorSummary, translateErrors, type FieldErrors } from '../../render/forms';
import type { Problems } from '../../domain/account-forms';
import type { AccountTokenLookup } from '../../store/account-tokens';
import { LANG, pageResponse } from '../pages';

export async function messagePage(request: Request, env: Env, options: { title: string; body: Part; status?: number }): Promise<Response> {
  return pageResponse(request, env, {
    title: options.title,
    status: options.status,
    body: html`<div class="form"><h1>${options.title}</h1>${options.body}</div>`,
  });
}

const TOKEN_REFUSALS: Record<Exclude<AccountTokenLookup['status'], 'valid'>, MessageKey> = {
  unknown: 'link.unknown',
  used: 'link.used',
  expired: 'link.expired',
};

/** Why a mail link does not work, and where to get a new one. */
export function linkRefusal(request: Request, env: Env, status: Exclude<AccountTokenLookup['status'], 'valid'>, again: { href: string; label: string }):
  Promise<Response> {
  return messagePage(request, env, {
    title: t(LANG, 'link.title'),
    status: status === 'unknown' ? 404 : 410,
    body: html`<p role="alert">${t(LANG, TOKEN_REFUSALS[status])}</p><p><a href="${again.href}">${again.label}</a></p>`,
  });
}

/** Field errors and the summary above the form, from the domain's problem keys plus general messages. */
export function formErrors(problems: Problems, extra: FieldErrors = {}): FieldErrors {
  return { ...translateErrors(LANG, problems), ...extra };
}

export function summary(errors: FieldErrors, general?: string): Html | '' {
  return errorSummary(LANG, errors, general);
}

export function notice(text: string | undefined): Html | '' {
  return text ? html`<p class="success" role="status">${text}</p>` : '';
}

const SETTINGS_PAGES: ReadonlyArray<{ path: string; label: MessageKey }> = [
  { path: '/user', label: 'settings.nav.home' },
  { path: '/user/profile', label: 'settings.nav.profile' },
  { path: '/user/email', label: 'settings.nav.email' },
  { path: '/user/password', label: 'settings.nav.password' },
  { path: '/user/tokens', label: 'settings.nav.tokens' },
  { path: '/user/delete', label: 'settings.nav.delete' },
];

/** Links between the account settings pages, the current one marked. */
export function settingsNav(current: string): Html {
  return html`<nav aria-label="${t(LANG, 'settings.nav.label')}" class="settings-nav">
  <ul class="inline-list">${SETTINGS_PAGES.map((p) => html`<li><a href="${p.path}"${p.path === current ? html` aria-current="page"` : ''}>${t(LANG, p.label)}</a></li>`)}</ul>
</nav>`;
}
