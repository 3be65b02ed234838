// Atom feeds of recently published or updated datasets (site-wide, per organisation, per thématique), and the
// public site URL every absolute link of the static files is built from.
import type { SnapshotDataset } from '../../worker/src/domain/snapshot';
import { html } from '../../worker/src/render/html';
import { catalogue } from './catalogue';
import { plainText, truncate } from './format';

export const FEED_SIZE = 50;

/** The public address (astro.config `site`, from PORTAL_PUBLIC_URL), without trailing slash. */
export const siteUrl = (site: URL | undefined): string => (site?.href ?? 'http://localhost:8787/').replace(/\/+$/, '');

export function atomFeed(site: string, path: string, title: string, datasets: readonly SnapshotDataset[]): Response {
  const { organizations, themes } = catalogue();
  const recent = [...datasets].sort((a, b) => b.metadataModified.localeCompare(a.metadataModified) || a.slug.localeCompare(b.slug)).slice(0, FEED_SIZE);
  const updated = recent[0]?.metadataModified ?? catalogue().snapshot.generatedAt;
  const body = html`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <id>${site}${path}</id>
  <title>${title}</title>
  <updated>${updated}</updated>
  <link rel="self" type="application/atom+xml" href="${site}${path}"/>
  <link rel="alternate" type="text/html" href="${site}/dataset"/>
${recent.map((d) => html`  <entry>
    <id>urn:uuid:${d.id}</id>
    <title>${d.title}</title>
    <link rel="alternate" type="text/html" href="${site}/dataset/${d.slug}"/>
    <updated>${d.metadataModified}</updated>
    <published>${d.datePublished}T00:00:00Z</published>
    <author><name>${organizations.get(d.organization)?.legalName ?? d.organization}</name></author>
${d.themes.map((slug) => html`    <category term="${slug}" label="${themes.get(slug)?.title ?? slug}"/>
`)}    <summary>${truncate(plainText(d.description), 500)}</summary>
  </entry>
`)}</feed>
`;
  return new Response(body.value, { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } });
}
