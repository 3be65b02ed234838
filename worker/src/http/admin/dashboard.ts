// /admin: the console's dashboard, counts that say where attention is needed, each linked to its list.
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { formatNumber, t, type MessageKey } from '../../i18n';
import { html } from '../../render/html';
import { dashboardCounts, type DashboardCounts } from '../../store/admin';
import { LANG, pageResponse } from '../pages';
import { consoleNav, requireAdmin } from './common';

const TILES: Array<{ count: keyof DashboardCounts; label: MessageKey; href: string }> = [
  { count: 'users', label: 'admin.dashboard.users', href: '/admin/users' },
  { count: 'unconfirmed_users', label: 'admin.dashboard.unconfirmedUsers', href: '/admin/users' },
  { count: 'active_organizations', label: 'admin.dashboard.activeOrganizations', href: '/admin/organizations' },
  { count: 'organizations_awaiting', label: 'admin.dashboard.organizationsAwaiting', href: '/admin/organizations' },
  { count: 'pending_requests', label: 'admin.dashboard.pendingRequests', href: '/user/validation' },
];

export async function dashboardHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireAdmin(request, env);
  if (actor instanceof Response) return actor;
  const counts = await dashboardCounts(env.DB);
  const body = html`<h1>${t(LANG, 'admin.dashboard.title')}</h1>
${consoleNav('dashboard')}
<ul class="console-counts">
  ${TILES.map((tile) => html`<li><a href="${tile.href}"><span class="console-count" data-count="${tile.count}">${formatNumber(LANG, counts[tile.count])}</span> ${t(LANG, tile.label)}</a></li>`)}
</ul>`;
  return pageResponse(request, env, { title: t(LANG, 'admin.dashboard.title'), body });
}
