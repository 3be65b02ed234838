// robots.txt: pages are for crawlers; the API and file downloads are not. Points to the sitemap.
import type { APIRoute } from 'astro';
import { siteUrl } from '../lib/feeds';

export const GET: APIRoute = ({ site }) => new Response([
  'User-agent: *',
  'Allow: /',
  'Disallow: /api/',
  'Disallow: /dataset/*/resource/*/download/',
  `Sitemap: ${siteUrl(site)}/sitemap.xml`,
  '',
].join('\n'), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
