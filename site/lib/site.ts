// Site-wide settings: the language pages render in and the portal's name (env PORTAL_NAME overrides the table).
import { t, type Lang } from '../../worker/src/i18n';

export const LANG: Lang = 'fr';

export const portalName = (): string => process.env.PORTAL_NAME?.trim() || t(LANG, 'site.name');

/** A value safe to put inside <script type="application/ld+json"> or JSON islands. */
export const jsonForScript = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/** The public origin of the site: the same setting as astro.config.mjs's `site`. */
export const siteUrl = (): URL => new URL(process.env.PORTAL_PUBLIC_URL ?? 'http://localhost:8787');
