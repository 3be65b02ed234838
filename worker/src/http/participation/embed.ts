// The embeddable card of a dataset (the share panel's iframe snippet): title, organisation, a short description and
// a link to the portal. Rendered by the Worker from D1 (published datasets only, as can() decides for a visitor)
// rather than built as one more static page per dataset; framable by any site, cached briefly.
import type { IRequest } from 'itty-router';
import { ANONYMOUS, can } from '../../domain/permissions';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { html } from '../../render/html';
import { STYLESHEET_PATH } from '../../render/layout';
import { LANG, portalName } from '../pages';

const SUMMARY_CHARS = 220;

/** Markdown reduced to plain words for the excerpt: the card never renders the producer's markup. */
const plain = (markdown: string) => markdown.replace(/[#>*_`~[\]()!|-]+/g, ' ').replace(/\s+/g, ' ').trim();

export async function embedDatasetHandler(request: IRequest, env: Env): Promise<Response> {
  const row = await env.DB.prepare(
    `SELECT d.slug, d.title, d.description, d.organization_id, d.published, d.date_modified, o.legal_name
     FROM datasets d JOIN organizations o ON o.id = d.organization_id WHERE (d.slug = ?1 OR d.id = ?1) AND o.is_active = 1`,
  ).bind(request.params.slug!).first<{ slug: string; title: string; description: string; organization_id: string; published: number; date_modified: string; legal_name: string }>();
  const headers = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "frame-ancestors *; script-src 'none'", 'cache-control': 'public, max-age=300' };
  if (!row || !can(ANONYMOUS, { action: 'dataset:view', dataset: { organizationId: row.organization_id, published: row.published === 1 } })) {
    return new Response(html`<!doctype html><html lang="${LANG}"><head><meta charset="utf-8"><title>${t(LANG, 'participation.embed.notFound')}</title></head><body><p>${t(LANG, 'participation.embed.notFound')}</p></body></html>`.value, { status: 404, headers });
  }
  const text = plain(row.description);
  const summary = text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS - 1)}…` : text;
  const href = new URL(`/dataset/${row.slug}`, env.PORTAL_PUBLIC_URL).href;
  const page = html`<!doctype html>
<html lang="${LANG}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${row.title} – ${portalName(env)}</title><link rel="stylesheet" href="${STYLESHEET_PATH}"></head>
<body><main class="embed-card card">
<p class="muted small">${portalName(env)} · ${row.legal_name}</p>
<h1 class="card-title"><a href="${href}" target="_blank" rel="noopener">${row.title}</a></h1>
${summary ? html`<p>${summary}</p>` : ''}
<p><a class="button" href="${href}" target="_blank" rel="noopener">${t(LANG, 'participation.embed.open')}<span class="sr-only"> ${t(LANG, 'participation.embed.newWindow')}</span></a></p>
</main></body></html>`;
  return new Response(page.value, { headers });
}
