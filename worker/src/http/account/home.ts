// "Mon compte": who I am, my organisations and roles, what waits for my validation, and, for contributeurs,
// the datasets of their organisations (drafts included) — the entry to every account page.
import type { IRequest } from 'itty-router';
import { can, type Role } from '../../domain/permissions';
import type { Env } from '../../env';
import { t, tn } from '../../i18n';
import { formatDate } from '../../render/dates';
import { html } from '../../render/html';
import { pendingRequestsFor } from '../../store/role-requests';
import { requestsToDecide } from '../../store/participation-access';
import { findUserById } from '../../store/users';
import { LANG, pageResponse, requireUser } from '../pages';

export async function accountHomeHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const user = (await findUserById(env.DB, actor.id))!;
  const organizations = await env.DB.prepare(
    `SELECT o.id, o.slug, o.legal_name, group_concat(m.role) AS roles
     FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = ? GROUP BY o.id ORDER BY o.legal_name`,
  ).bind(actor.id).all<{ id: string; slug: string; legal_name: string; roles: string }>();
  const toValidate = (await pendingRequestsFor(env.DB, actor)).length;
  const accessToDecide = (await requestsToDecide(env.DB, actor)).length;
  const contributing = organizations.results.filter((o) => can(actor, { action: 'dataset:create', organizationId: o.id }));
  const datasets = contributing.length === 0 ? [] : (await env.DB.prepare(
    `SELECT d.slug, d.title, d.published, d.updated_at, d.organization_id FROM datasets d
     WHERE d.organization_id IN (${contributing.map(() => '?').join(',')}) ORDER BY d.updated_at DESC LIMIT 50`,
  ).bind(...contributing.map((o) => o.id)).all<{ slug: string; title: string; published: number; updated_at: string; organization_id: string }>()).results
    .filter((d) => can(actor, { action: 'dataset:view', dataset: { organizationId: d.organization_id, published: d.published === 1 } }));

  const roleLabels = (roles: string) => (['member', 'contributor', 'referent'] as Role[])
    .filter((r) => roles.split(',').includes(r)).map((r) => t(LANG, `roles.role.${r}`)).join(', ');

  const body = html`<h1>${t(LANG, 'home.title')}</h1>
<p class="lead">${t(LANG, 'home.greeting', { name: `${user.first_name} ${user.last_name}`.trim() || user.username })}</p>
${toValidate > 0 ? html`<p class="notice"><a href="/user/validation">${tn(LANG, 'home.toValidate', toValidate)}</a></p>` : ''}
${accessToDecide > 0 ? html`<p class="notice"><a href="/user/access-requests">${tn(LANG, 'participation.access.homeLink', accessToDecide)}</a></p>` : ''}
${actor.isAdmin ? html`<p><a class="button button-secondary" href="/admin">${t(LANG, 'auth.header.admin')}</a></p>` : ''}
<div class="columns">
<section aria-labelledby="identity-title">
<h2 id="identity-title">${t(LANG, 'home.identity')}</h2>
<dl class="facts">
  <dt>${t(LANG, 'account.username.label')}</dt><dd>${user.username}</dd>
  <dt>${t(LANG, 'account.email.label')}</dt><dd>${user.email}</dd>
  <dt>${t(LANG, 'home.memberSince')}</dt><dd>${formatDate(LANG, user.created_at)}</dd>
</dl>
<ul class="link-list">
  <li><a href="/user/profile">${t(LANG, 'home.link.profile')}</a></li>
  <li><a href="/user/email">${t(LANG, 'home.link.email')}</a></li>
  <li><a href="/user/password">${t(LANG, 'home.link.password')}</a></li>
  <li><a href="/user/tokens">${t(LANG, 'home.link.tokens')}</a></li>
  <li><a href="/user/sftp">${t(LANG, 'home.link.sftp')}</a></li>
  <li><a href="/user/subscriptions">${t(LANG, 'participation.home.subscriptions')}</a></li>
  <li><a href="/user/access-requests">${t(LANG, 'participation.home.accessRequests')}</a></li>
  <li><a href="/user/showcases">${t(LANG, 'participation.home.showcases')}</a></li>
  <li><a href="/user/delete">${t(LANG, 'home.link.delete')}</a></li>
</ul>
</section>
<section aria-labelledby="orgs-title">
<h2 id="orgs-title">${t(LANG, 'roles.mine.title')}</h2>
${organizations.results.length === 0 ? html`<p>${t(LANG, 'roles.mine.none')}</p>` : html`<ul class="link-list">${organizations.results.map((o) =>
    html`<li><a href="/organization/${o.slug}">${o.legal_name}</a> — ${roleLabels(o.roles)}</li>`)}</ul>`}
<p><a href="/user/organizations">${t(LANG, 'home.link.organizations')}</a></p>
</section>
</div>
${contributing.length > 0 ? html`<section aria-labelledby="contrib-title">
<h2 id="contrib-title">${t(LANG, 'home.contributor.title')}</h2>
<p>${t(LANG, 'home.contributor.intro', { organizations: contributing.map((o) => o.legal_name).join(', ') })}</p>
<p><a class="button" href="/user/datasets">${t(LANG, 'datasetDashboard.homeLink')}</a></p>
${datasets.length === 0 ? html`<p>${t(LANG, 'home.contributor.none')}</p>` : html`<table class="data-table">
<thead><tr><th scope="col">${t(LANG, 'home.contributor.dataset')}</th><th scope="col">${t(LANG, 'home.contributor.state')}</th><th scope="col">${t(LANG, 'home.contributor.updated')}</th></tr></thead>
<tbody>${datasets.map((d) => html`<tr><td>${d.published ? html`<a href="/dataset/${d.slug}">${d.title}</a>` : d.title}</td>
<td>${t(LANG, d.published ? 'home.contributor.published' : 'home.contributor.draft')}</td><td>${formatDate(LANG, d.updated_at)}</td></tr>`)}</tbody></table>`}
</section>` : ''}`;
  return pageResponse(request, env, { title: t(LANG, 'home.title'), body });
}
