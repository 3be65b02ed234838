// sitemap.xml: every public page of the static catalogue, datasets with their last modification date.
import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { html } from '../../worker/src/render/html';
import { catalogue } from '../lib/catalogue';
import { siteUrl } from '../lib/feeds';

export const GET: APIRoute = async ({ site }) => {
  const base = siteUrl(site);
  const { snapshot } = catalogue();
  const editorial = await getCollection('pages');
  const urls: { path: string; lastmod?: string }[] = [
    { path: '/' }, { path: '/dataset' }, { path: '/organization' }, { path: '/group' }, { path: '/showcase' }, { path: '/docs/api' },
    ...snapshot.datasets.map((d) => ({ path: `/dataset/${d.slug}`, lastmod: d.dateModified })),
    ...snapshot.organizations.map((o) => ({ path: `/organization/${o.slug}` })),
    ...snapshot.themes.map((th) => ({ path: `/group/${th.slug}` })),
    ...snapshot.showcases.map((s) => ({ path: `/showcase/${s.slug}`, lastmod: s.updatedAt.slice(0, 10) })),
    ...editorial.map((p) => ({ path: `/page/${p.id}` })),
  ];
  const body = html`<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.map((u) => html`  <url><loc>${base}${u.path}</loc>${u.lastmod ? html`<lastmod>${u.lastmod}</lastmod>` : ''}</url>
`)}</urlset>
`;
  return new Response(body.value, { headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
};
