// Participation parts of the static pages (issue 5): the follow button, contact, report and share panel of a
// dataset, the access request link of a restricted resource, "déclarer une réutilisation". Everything is a plain
// link to a Worker page (works without JavaScript); /scripts/participation.js turns the follow link into a toggle
// for signed-in visitors and adds "copy". No third-party script: share links are plain links.
import type { SnapshotDataset, SnapshotResource } from '../../worker/src/domain/snapshot';
import { t } from '../../worker/src/i18n';
import { html, raw, type Html } from '../../worker/src/render/html';
import { LANG } from './site';

export const PARTICIPATION_SCRIPT = raw('<script src="/scripts/participation.js" defer></script>');

export function accessRequestLink(datasetId: string, r: SnapshotResource): Html {
  const href = `/user/access-requests/new?dataset=${encodeURIComponent(datasetId)}&resource=${encodeURIComponent(r.id)}`;
  return html`<p><a class="button" href="${href}">${t(LANG, 'participation.site.requestAccess')}<span class="sr-only"> – ${r.title}</span></a></p><p class="muted small">${t(LANG, 'participation.site.signInNeeded')}</p>`;
}

export function reportResourceLink(r: SnapshotResource): Html {
  return html`<a class="link-report" href="/user/reports/new?type=resource&amp;id=${encodeURIComponent(r.id)}">${t(LANG, 'participation.site.reportResource')}<span class="sr-only"> – ${r.title}</span></a>`;
}

export type FollowTarget = 'dataset' | 'organization' | 'theme';

/**
 * The follow link: the Worker page confirms it (sign-in first when needed); for a signed-in visitor the script makes
 * it a toggle button (role and aria-pressed are set there, a link may not carry aria-pressed).
 */
export function followButton(type: FollowTarget, id: string, title: string): Html {
  return html`<a class="button button-secondary follow-button" href="/user/subscriptions/new?type=${type}&amp;id=${encodeURIComponent(id)}" data-follow-type="${type}" data-follow-id="${id}" data-label-follow="${t(LANG, 'participation.site.follow')}" data-label-following="${t(LANG, 'participation.site.following')}"><span data-follow-label>${t(LANG, 'participation.site.follow')}</span><span class="sr-only"> – ${title}</span></a>`;
}

function shareLinks(url: string, title: string): Html {
  const u = encodeURIComponent(url);
  const text = encodeURIComponent(title);
  const links = [
    { label: t(LANG, 'participation.share.email'), href: `mailto:?subject=${text}&body=${u}` },
    { label: 'LinkedIn', href: `https://www.linkedin.com/sharing/share-offsite/?url=${u}` },
    { label: 'Mastodon', href: `https://mastodonshare.com/?text=${text}&url=${u}` },
    { label: 'Facebook', href: `https://www.facebook.com/sharer/sharer.php?u=${u}` },
    { label: 'X', href: `https://twitter.com/intent/tweet?text=${text}&url=${u}` },
  ];
  return html`<ul class="inline-list share-links">${links.map((l) => html`<li><a href="${l.href}" rel="noopener noreferrer">${l.label}<span class="sr-only"> ${t(LANG, 'participation.share.on')}</span></a></li>`)}</ul>`;
}

export function participationBar(d: SnapshotDataset, absoluteUrl: string): Html {
  const embedUrl = new URL(`/embed/dataset/${d.slug}`, absoluteUrl).href;
  const snippet = `<iframe src="${embedUrl}" title="${d.title.replace(/"/g, '&quot;')}" width="420" height="220" loading="lazy" style="border:0"></iframe>`;
  return html`<div class="participation-bar">
${followButton('dataset', d.id, d.title)}
<a class="button button-secondary" href="/user/contact/${d.id}">${t(LANG, 'participation.site.contact')}</a>
<details class="share"><summary class="button button-secondary">${t(LANG, 'participation.share.title')}</summary><div class="share-panel">
<div class="field"><label for="share-url">${t(LANG, 'participation.share.link')}</label><input id="share-url" type="url" value="${absoluteUrl}" readonly> <button type="button" class="button button-secondary" data-copy="share-url" hidden>${t(LANG, 'participation.share.copy')}</button></div>
${shareLinks(absoluteUrl, d.title)}
<div class="field"><label for="share-embed">${t(LANG, 'participation.share.embed')}</label><textarea id="share-embed" rows="3" readonly>${snippet}</textarea> <button type="button" class="button button-secondary" data-copy="share-embed" hidden>${t(LANG, 'participation.share.copy')}</button></div>
<p class="muted small" role="status" data-copy-status data-label-copied="${t(LANG, 'participation.share.copied')}"></p>
</div></details>
<a class="link-report" href="/user/reports/new?type=dataset&amp;id=${encodeURIComponent(d.id)}">${t(LANG, 'participation.site.report')}</a>
</div>`;
}

export function declareShowcaseLink(d: SnapshotDataset): Html {
  return html`<p><a href="/user/showcases/new?dataset=${encodeURIComponent(d.id)}">${t(LANG, 'participation.site.declareShowcase')}</a></p>`;
}
