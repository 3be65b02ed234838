// Subscriptions: the JSON toggle behind the static pages' follow button, the confirmation page it falls back to
// (no JavaScript, or not signed in yet), "Mes abonnements", and the one-click unsubscribe page of every mail.
// Nobody reads or changes another user's subscriptions: each id is checked against the signed-in user.
import type { IRequest } from 'itty-router';
import { isFrequency, isTarget, type SubscriptionFrequency } from '../../domain/participation-rules';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { csrfField, errorSummary } from '../../render/forms';
import { html, type Html } from '../../render/html';
import {
  deleteSubscription, findFollowTarget, findSubscription, findSubscriptionById, findSubscriptionByToken, setFrequency, subscribe,
  subscriptionsOf, type FollowTarget,
} from '../../store/participation-follow';
import { auditStatement } from '../../store/audit';
import { requestContext } from '../actor';
import { csrfToken, csrfValid } from '../csrf';
import { forbiddenPage, formValues, LANG, pageResponse, redirect, requireUser, type SignedIn } from '../pages';
import { json, problem } from '../respond';

async function targetOf(env: Env, type: unknown, id: unknown): Promise<FollowTarget | null> {
  if (!isTarget(type) || typeof id !== 'string' || id === '') return null;
  return findFollowTarget(env.DB, type, id);
}

function frequencyChoice(name: string, current: SubscriptionFrequency, suffix = ''): Html {
  return html`<fieldset class="field"><legend>${t(LANG, 'participation.follow.frequency')}</legend>
${(['immediate', 'daily'] as const).map((f) => html`<div class="field-checkbox"><input type="radio" id="${name}-${f}${suffix}" name="${name}" value="${f}"${f === current ? html` checked` : ''}><label for="${name}-${f}${suffix}">${t(LANG, `participation.follow.frequency.${f}`)}</label></div>`)}
</fieldset>`;
}

/** GET /api/participation/follow: whether the signed-in user follows it, and the CSRF token the toggle posts back. */
export async function followStateHandler(request: IRequest, env: Env): Promise<Response> {
  const { actor } = await requestContext(request, env);
  if (actor.kind !== 'user') return problem(401, t(LANG, 'participation.follow.signIn'));
  const url = new URL(request.url);
  const target = await targetOf(env, url.searchParams.get('type'), url.searchParams.get('id'));
  if (!target) return problem(404, t(LANG, 'participation.follow.notFound'));
  const existing = await findSubscription(env.DB, actor.id, target.type, target.id);
  return json({ following: !!existing, frequency: existing?.frequency ?? null, csrf: await csrfToken(request, env) }, { headers: { 'cache-control': 'no-store' } });
}

/** POST /api/participation/follow: follow (immediately, unless the user chose otherwise before) or unfollow. */
export async function followToggleHandler(request: IRequest, env: Env): Promise<Response> {
  const { actor } = await requestContext(request, env);
  if (actor.kind !== 'user') return problem(401, t(LANG, 'participation.follow.signIn'));
  const form = await request.formData();
  if (!csrfValid(request, form)) return problem(403, t(LANG, 'auth.csrf'));
  const values = formValues(form);
  const target = await targetOf(env, values.type, values.id);
  if (!target) return problem(404, t(LANG, 'participation.follow.notFound'));
  if (values.action === 'unfollow') {
    const existing = await findSubscription(env.DB, actor.id, target.type, target.id);
    if (existing) await deleteSubscription(env.DB, existing.id);
    return json({ following: false });
  }
  if (values.action !== 'follow') return problem(400, t(LANG, 'participation.follow.badAction'));
  const existing = await findSubscription(env.DB, actor.id, target.type, target.id);
  await subscribe(env.DB, actor.id, target, existing?.frequency ?? 'immediate');
  return json({ following: true });
}

async function notFoundPage(request: Request, env: Env): Promise<Response> {
  return pageResponse(request, env, {
    title: t(LANG, 'participation.follow.notFound'), status: 404,
    body: html`<h1>${t(LANG, 'participation.follow.notFound')}</h1><p><a href="/dataset">${t(LANG, 'participation.backToCatalogue')}</a></p>`,
  });
}

export async function newSubscriptionHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const url = new URL(request.url);
  const target = await targetOf(env, url.searchParams.get('type'), url.searchParams.get('id'));
  if (!target) return notFoundPage(request, env);
  const existing = await findSubscription(env.DB, actor.id, target.type, target.id);
  const title = t(LANG, 'participation.follow.title', { title: target.title });
  const token = await csrfToken(request, env);
  const body = html`<h1>${title}</h1>
<p>${t(LANG, `participation.follow.explain.${target.type}`)}</p>
${existing ? html`<p class="notice">${t(LANG, 'participation.follow.already')}</p>` : ''}
<form method="post" action="/user/subscriptions" class="form">${csrfField(token)}
<input type="hidden" name="type" value="${target.type}"><input type="hidden" name="id" value="${target.id}">
${frequencyChoice('frequency', existing?.frequency ?? 'immediate')}
<div class="form-actions"><button type="submit" class="button">${t(LANG, existing ? 'participation.follow.save' : 'participation.follow.submit')}</button>
<a href="${target.path}">${t(LANG, 'participation.cancel')}</a></div>
</form>`;
  return pageResponse(request, env, { title, body });
}

export async function createSubscriptionHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  const values = formValues(form);
  if (!csrfValid(request, form)) return subscriptionsPage(request, env, actor, t(LANG, 'auth.csrf'), 403);
  const target = await targetOf(env, values.type, values.id);
  if (!target) return notFoundPage(request, env);
  await subscribe(env.DB, actor.id, target, isFrequency(values.frequency) ? values.frequency : 'immediate');
  return redirect(request, env, '/user/subscriptions?done=followed');
}

const TYPE_ORDER = ['dataset', 'organization', 'theme'] as const;

async function subscriptionsPage(request: Request, env: Env, actor: SignedIn, error?: string, status?: number): Promise<Response> {
  const subscriptions = await subscriptionsOf(env.DB, actor.id);
  const token = await csrfToken(request, env);
  const done = new URL(request.url).searchParams.get('done');
  const title = t(LANG, 'participation.follow.listTitle');
  const body = html`<h1>${title}</h1>
${done && ['followed', 'unfollowed', 'saved'].includes(done) ? html`<p class="success" role="status">${t(LANG, `participation.follow.done.${done as 'followed' | 'unfollowed' | 'saved'}`)}</p>` : ''}
${errorSummary(LANG, {}, error)}
<p>${t(LANG, 'participation.follow.listIntro')}</p>
${subscriptions.length === 0 ? html`<p>${t(LANG, 'participation.follow.none')}</p>` : TYPE_ORDER.map((type) => {
    const rows = subscriptions.filter((s) => s.object_type === type);
    if (rows.length === 0) return '';
    return html`<section aria-labelledby="followed-${type}"><h2 id="followed-${type}">${t(LANG, `participation.follow.section.${type}`)}</h2>
<ul class="cards">${rows.map((s) => html`<li class="card"><h3 class="card-title">${s.path && s.title ? html`<a href="${s.path}">${s.title}</a>` : t(LANG, 'participation.follow.gone')}</h3>
<form method="post" action="/user/subscriptions/${s.id}" class="form">${csrfField(token)}
${frequencyChoice('frequency', s.frequency, `-${s.id}`)}
<div class="form-actions"><button type="submit" name="action" value="save" class="button button-secondary">${t(LANG, 'participation.follow.save')}</button>
<button type="submit" name="action" value="unfollow" class="button button-secondary">${t(LANG, 'participation.follow.unfollow')}<span class="sr-only"> – ${s.title ?? ''}</span></button></div>
</form></li>`)}</ul></section>`;
  })}`;
  return pageResponse(request, env, { title, body, status });
}

export async function subscriptionsHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  return subscriptionsPage(request, env, actor);
}

export async function updateSubscriptionHandler(request: IRequest, env: Env): Promise<Response> {
  const actor = await requireUser(request, env);
  if (actor instanceof Response) return actor;
  const form = await request.formData();
  if (!csrfValid(request, form)) return subscriptionsPage(request, env, actor, t(LANG, 'auth.csrf'), 403);
  const subscription = await findSubscriptionById(env.DB, request.params.subscriptionId!);
  if (!subscription) return notFoundPage(request, env);
  if (subscription.user_id !== actor.id) return forbiddenPage(request, env, t(LANG, 'participation.follow.notYours'));
  const values = formValues(form);
  if (values.action === 'unfollow') {
    await deleteSubscription(env.DB, subscription.id);
    return redirect(request, env, '/user/subscriptions?done=unfollowed');
  }
  if (!isFrequency(values.frequency)) return subscriptionsPage(request, env, actor, t(LANG, 'participation.follow.badFrequency'), 400);
  await setFrequency(env.DB, subscription.id, values.frequency);
  return redirect(request, env, '/user/subscriptions?done=saved');
}

/**
 * The link of every mail: no sign-in needed, the token is the subscription's own secret. The GET page only asks for
 * the click (mail scanners open links), the POST unsubscribes.
 */
export async function unsubscribeFormHandler(request: IRequest, env: Env): Promise<Response> {
  const token = new URL(request.url).searchParams.get('token') ?? '';
  const subscription = token ? await findSubscriptionByToken(env.DB, token) : null;
  const title = t(LANG, 'participation.unsubscribe.title');
  if (!subscription) {
    return pageResponse(request, env, { title, status: 404, body: html`<h1>${title}</h1><p>${t(LANG, 'participation.unsubscribe.unknown')}</p>` });
  }
  const target = await findFollowTarget(env.DB, subscription.object_type, subscription.object_id);
  const body = html`<h1>${title}</h1>
<p>${t(LANG, 'participation.unsubscribe.confirm', { title: target?.title ?? t(LANG, 'participation.follow.gone') })}</p>
<form method="post" action="/user/subscriptions/unsubscribe" class="form">${csrfField(await csrfToken(request, env))}
<input type="hidden" name="token" value="${token}">
<button type="submit" class="button">${t(LANG, 'participation.unsubscribe.submit')}</button></form>`;
  return pageResponse(request, env, { title, body });
}

export async function unsubscribeHandler(request: IRequest, env: Env): Promise<Response> {
  const form = await request.formData();
  const title = t(LANG, 'participation.unsubscribe.title');
  if (!csrfValid(request, form)) return pageResponse(request, env, { title, status: 403, body: html`<h1>${title}</h1><p>${t(LANG, 'auth.csrf')}</p>` });
  const subscription = await findSubscriptionByToken(env.DB, formValues(form).token ?? '');
  if (subscription) {
    await env.DB.batch([
      env.DB.prepare('DELETE FROM subscriptions WHERE id = ?').bind(subscription.id),
      auditStatement(env.DB, 'system', 'subscription.unsubscribe-link', { type: 'subscription', id: subscription.id }, { userId: subscription.user_id }),
    ]);
  }
  // Same answer for an unknown token: a link clicked twice stays unsubscribed.
  return pageResponse(request, env, { title, body: html`<h1>${title}</h1><p class="success" role="status">${t(LANG, 'participation.unsubscribe.done')}</p>` });
}
