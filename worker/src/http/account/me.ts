// GET /api/me: who the API thinks you are. Lets a script check its token (raw Authorization as CKAN clients send
// it, Bearer, or X-CKAN-API-Key) and a page learn the signed-in user.
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { findUserById } from '../../store/users';
import { resolveActor } from '../actor';
import { json, problem } from '../respond';
import { LANG } from '../pages';

export async function meHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await resolveActor(request, env);
  if (actor.kind !== 'user') return problem(401, t(LANG, 'me.anonymous'));
  const user = (await findUserById(env.DB, actor.id))!;
  const organizations = await env.DB.prepare(
    'SELECT m.organization_id, m.role, o.slug, o.legal_name FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = ? ORDER BY o.legal_name, m.role',
  ).bind(actor.id).all<{ organization_id: string; role: string; slug: string; legal_name: string }>();
  return json({
    id: user.id,
    username: user.username,
    firstName: user.first_name,
    lastName: user.last_name,
    isAdmin: actor.isAdmin,
    readOnly: actor.readOnly === true,
    memberships: organizations.results.map((m) => ({ organizationId: m.organization_id, organization: m.slug, organizationName: m.legal_name, role: m.role })),
  }, { headers: { 'cache-control': 'no-store' } });
}
