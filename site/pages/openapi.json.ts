// The OpenAPI description of the edge API, static.
import type { APIRoute } from 'astro';
import { siteUrl } from '../lib/feeds';
import { openApiDocument } from '../lib/openapi';

export const GET: APIRoute = ({ site }) =>
  new Response(JSON.stringify(openApiDocument(siteUrl(site)), null, 2), { headers: { 'Content-Type': 'application/json' } });
