// The page frame shared by the static site (Base.astro) and the pages the Worker renders (account, contributor,
// admin): one header, one footer, one stylesheet at a stable URL, so both halves of the portal look the same.
import { t, type Lang } from '../i18n';
import { html, raw, type Html } from './html';

export type Section = 'datasets' | 'organizations' | 'themes' | 'showcases' | 'help' | 'account';

export const STYLESHEET_PATH = '/styles/site.css';

export interface FrameOptions {
  lang: Lang;
  portalName: string;
  /** Path of the current page, to mark the current navigation entry. */
  path?: string;
  section?: Section;
  /**
   * Who is signed in, for pages the Worker renders. Static pages leave it undefined: they show "Se connecter"
   * and a small script swaps it for "Mon compte" when the session hint cookie is present.
   */
  account?: SignedInAccount | null;
}

export interface SignedInAccount {
  username: string;
  isAdmin: boolean;
  csrfToken: string;
}

const BRAND_MARK = raw(
  '<svg class="brand-mark" aria-hidden="true" viewBox="0 0 32 32" width="32" height="32"><rect width="32" height="32" rx="7" fill="currentColor"/><path d="M9 9h6v6H9zm8 0h6v6h-6zm-8 8h6v6H9zm8 0h6v6h-6z" fill="#fff"/></svg>',
);

function accountArea(lang: Lang, account: SignedInAccount | null | undefined): Html {
  if (!account) {
    return html`<div class="account-area">
  <a class="account-link" href="/user/login"${account === undefined ? html` data-account-link data-label-account="${t(lang, 'auth.header.account')}"` : ''}>${t(lang, 'auth.header.login')}</a>
  ${account === undefined ? html`<script src="/scripts/account-link.js" defer></script>` : ''}
</div>`;
  }
  return html`<div class="account-area">
  <a class="account-link" href="/user">${t(lang, 'auth.header.account')} <span class="muted">(${account.username})</span></a>
  ${account.isAdmin ? html`<a class="account-link" href="/admin">${t(lang, 'auth.header.admin')}</a>` : ''}
  <form method="post" action="/user/logout" class="inline-form">
    <input type="hidden" name="_csrf" value="${account.csrfToken}">
    <button type="submit" class="link-button">${t(lang, 'auth.logout.submit')}</button>
  </form>
</div>`;
}

export function siteHeader({ lang, portalName, path, section, account }: FrameOptions): Html {
  const nav: Array<{ section: Section; href: string; label: string }> = [
    { section: 'datasets', href: '/dataset', label: t(lang, 'nav.datasets') },
    { section: 'organizations', href: '/organization', label: t(lang, 'nav.organizations') },
    { section: 'themes', href: '/group', label: t(lang, 'nav.themes') },
    { section: 'showcases', href: '/showcase', label: t(lang, 'nav.showcases') },
    { section: 'help', href: '/page/aide', label: t(lang, 'nav.help') },
  ];
  const current = (item: { section: Section; href: string }) =>
    item.href === path ? 'page' : item.section === section ? 'true' : null;
  return html`<a class="skip-link" href="#main">${t(lang, 'site.skipLink')}</a>
<header class="site-header">
  <div class="wrap header-inner">
    <a class="brand" href="/" aria-label="${t(lang, 'site.homeLink', { name: portalName })}">${BRAND_MARK}<span>${portalName}</span></a>
    <nav aria-label="${t(lang, 'nav.label')}">
      <ul class="nav">
        ${nav.map((item) => {
          const state = current(item);
          return html`<li><a href="${item.href}"${state ? html` aria-current="${state}"` : ''}>${item.label}</a></li>`;
        })}
      </ul>
    </nav>
    ${accountArea(lang, account)}
  </div>
</header>`;
}

export function siteFooter(lang: Lang): Html {
  return html`<footer class="site-footer">
  <div class="wrap footer-inner">
    <p>${t(lang, 'footer.text')}</p>
    <nav aria-label="${t(lang, 'footer.label')}">
      <ul class="footer-links">
        <li><a href="/page/mentions-legales">${t(lang, 'footer.legal')}</a></li>
        <li><a href="/page/contact">${t(lang, 'footer.contact')}</a></li>
        <li><a href="/page/a-propos">${t(lang, 'footer.about')}</a></li>
      </ul>
    </nav>
  </div>
</footer>`;
}

export interface PageOptions extends FrameOptions {
  title: string;
  description?: string;
  head?: Html;
  body: Html;
}

/** A whole document for pages the Worker renders. */
export function renderPage(options: PageOptions): Html {
  const { lang, portalName, title, description, head, body } = options;
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title === portalName ? portalName : `${title} – ${portalName}`}</title>
${description ? html`<meta name="description" content="${description}">` : ''}
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${STYLESHEET_PATH}">
${head ?? ''}
</head>
<body>
${siteHeader(options)}
<main id="main" class="wrap" tabindex="-1">
${body}
</main>
${siteFooter(lang)}
</body>
</html>`;
}
