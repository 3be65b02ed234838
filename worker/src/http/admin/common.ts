// Parts shared by the administration pages: who may enter, the checks every form goes through, the console's
// navigation, paging, dates and the notice shown after a change.
import { can } from '../../domain/permissions';
import type { Env } from '../../env';
import { LOCALES, t, type MessageKey } from '../../i18n';
import { html, type Html } from '../../render/html';
import { csrfValid } from '../csrf';
import { forbiddenPage, formValues, LANG, requireUser, type SignedIn } from '../pages';

/** A signed-in administrator, or the answer for everyone else (sign-in page, or refusal). */
export async function requireAdmin(request: Request, env: Env): Promise<SignedIn | Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  if (!can(actor, { action: 'admin:console' })) return forbiddenPage(request, env);
  return actor;
}

/** An administrator's form post from this site (Origin and CSRF token checked), with its fields. */
export async function adminForm(request: Request, env: Env): Promise<{ actor: SignedIn; values: Record<string, string> } | Response> {
  const actor = await requireAdmin(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  if (!csrfValid(request, form)) return forbiddenPage(request, env, t(LANG, 'auth.csrf'));
  return { actor, values: formValues(form) };
}

export type ConsoleSection = 'dashboard' | 'users' | 'organizations' | 'audit' | 'reports' | 'showcases' | 'dataRequests';

export function consoleNav(current: ConsoleSection): Html {
  const entries: Array<{ section: ConsoleSection | null; href: string; label: MessageKey }> = [
    { section: 'dashboard', href: '/admin', label: 'admin.nav.dashboard' },
    { section: 'users', href: '/admin/users', label: 'admin.nav.users' },
    { section: 'organizations', href: '/admin/organizations', label: 'admin.nav.organizations' },
    { section: null, href: '/user/validation', label: 'admin.nav.requests' },
    { section: 'reports', href: '/admin/reports', label: 'participation.admin.nav.reports' },
    { section: 'showcases', href: '/admin/showcases', label: 'participation.admin.nav.showcases' },
    { section: 'dataRequests', href: '/admin/data-requests', label: 'participation.admin.nav.dataRequests' },
    { section: 'audit', href: '/admin/audit', label: 'admin.nav.audit' },
  ];
  return html`<nav class="console-nav" aria-label="${t(LANG, 'admin.nav.label')}"><ul>
  ${entries.map((e) => html`<li><a href="${e.href}"${e.section === current ? html` aria-current="page"` : ''}>${t(LANG, e.label)}</a></li>`)}
</ul></nav>`;
}

/** The requested page number (1 when absent or malformed). */
export function pageNumber(value: unknown): number {
  const page = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return Math.max(1, page);
}

/** Previous / next links keeping the other query parameters; nothing when everything fits on one page. */
export function pager(url: URL, page: number, total: number, pageSize: number): Html | '' {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages === 1) return '';
  const link = (target: number) => {
    const next = new URL(url);
    next.searchParams.set('page', String(target));
    return `${next.pathname}${next.search}`;
  };
  return html`<nav class="pager" aria-label="${t(LANG, 'pager.label')}"><ul>
  ${page > 1 ? html`<li><a href="${link(page - 1)}" rel="prev">${t(LANG, 'pager.previous')}</a></li>` : ''}
  <li><span class="pager-status">${t(LANG, 'pager.status', { page, pages })}</span></li>
  ${page < pages ? html`<li><a href="${link(page + 1)}" rel="next">${t(LANG, 'pager.next')}</a></li>` : ''}
</ul></nav>`;
}

// Dates are shown in the portal's time zone whatever the Worker's location.
const dateFormat = new Intl.DateTimeFormat(LOCALES[LANG], { dateStyle: 'medium', timeZone: 'Europe/Paris' });
const dateTimeFormat = new Intl.DateTimeFormat(LOCALES[LANG], { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Paris' });

export const formatDate = (iso: string): string => dateFormat.format(new Date(iso));
export const formatDateTime = (iso: string): string => dateTimeFormat.format(new Date(iso));

/** `?done=` codes set by the redirect after a change, and the message each one shows. */
export function doneNotice(url: URL, messages: Record<string, MessageKey>): Html | '' {
  const key = messages[url.searchParams.get('done') ?? ''];
  return key ? html`<p class="success" role="status">${t(LANG, key)}</p>` : '';
}
