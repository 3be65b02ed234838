// Réutilisations (issue 5): declared by any signed-in user with an image in R2, exported in the snapshot with their
// datasets (so /showcase and the dataset pages show them after the rebuild), edited by their author only,
// unpublished by administrators.
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { CatalogueSnapshot } from '../../worker/src/domain/snapshot';
import { createUser, ORIGIN, signedInCookie } from './accounts-fixtures';
import { CSRF, createThroughForm, get, world } from './publish-datasets-fixtures';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);

async function postMultipart(path: string, fields: Record<string, string>, cookie: string, image?: { bytes: Uint8Array; name: string; type: string }): Promise<Response> {
  const form = new FormData();
  form.set('_csrf', CSRF);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (image) form.set('image', new File([image.bytes], image.name, { type: image.type }));
  return SELF.fetch(`${ORIGIN}${path}`, { method: 'POST', redirect: 'manual', headers: { origin: ORIGIN, cookie }, body: form });
}

const snapshot = async () => (await SELF.fetch(`${ORIGIN}/api/internal/catalogue/snapshot`, { headers: { authorization: 'Bearer operator-test-token' } })).json<CatalogueSnapshot>();

const fields = (datasets: string) => ({ title: 'Carte des arrêts', type: 'visualization', description: 'Une **carte** interactive.', url: 'https://exemple.fr/carte', datasets });

describe('réutilisations', () => {
  it('declared with an image and a dataset address: stored in R2, exported with the dataset, recorded as a catalogue change', async () => {
    const w = await world();
    await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
    const author = await createUser({ username: 'developpeuse', email: 'dev@example.org' });
    const response = await postMultipart('/user/showcases/new', fields('http://localhost:8787/dataset/arrets-de-bus-de-lodeve'), await signedInCookie(author.id), { bytes: PNG, name: 'carte.png', type: 'image/png' });
    expect(response.status).toBe(303);
    const [showcase] = (await snapshot()).showcases;
    expect(showcase).toMatchObject({ title: 'Carte des arrêts', showcaseType: 'visualization', datasets: ['arrets-de-bus-de-lodeve'], authorName: 'Prénom Nom' });
    expect(showcase!.imageUrl).toMatch(new RegExp(`^/api/files/showcases/${showcase!.id}/[0-9a-f]{8}-carte\\.png$`));
    const image = await SELF.fetch(`${ORIGIN}${showcase!.imageUrl}`);
    expect(image.status).toBe(200);
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG);
    const change = await env.DB.prepare('SELECT reason FROM catalogue_changes ORDER BY id DESC LIMIT 1').first('reason');
    expect(change).toBe('showcase.create');
  });

  it('only its author edits it; an administrator unpublishes it and it leaves the snapshot', async () => {
    const w = await world();
    await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
    const author = await createUser({ username: 'developpeuse', email: 'dev@example.org' });
    const admin = await createUser({ username: 'admin', email: 'admin@example.org', isAdmin: true });
    await postMultipart('/user/showcases/new', fields('arrets-de-bus-de-lodeve'), await signedInCookie(author.id));
    const id = (await snapshot()).showcases[0]!.id;
    expect((await get(`/user/showcases/${id}/edit`, w.outsider.id)).status).toBe(403);
    const forged = await postMultipart(`/user/showcases/${id}/edit`, { ...fields('arrets-de-bus-de-lodeve'), title: 'Détournée' }, await signedInCookie(w.outsider.id));
    expect(forged.status).toBe(403);
    expect((await postMultipart(`/user/showcases/${id}/edit`, { ...fields('arrets-de-bus-de-lodeve'), title: 'Carte des arrêts 2026' }, await signedInCookie(author.id))).status).toBe(303);
    expect((await snapshot()).showcases[0]!.title).toBe('Carte des arrêts 2026');

    const cookie = await signedInCookie(admin.id);
    expect((await get('/admin/showcases', w.outsider.id)).status).toBe(403);
    const unpublish = await SELF.fetch(`${ORIGIN}/admin/showcases/${id}/published`, {
      method: 'POST', redirect: 'manual', headers: { origin: ORIGIN, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: CSRF, published: '0' }),
    });
    expect(unpublish.status).toBe(303);
    expect((await snapshot()).showcases).toEqual([]);
    expect(await env.DB.prepare("SELECT actor FROM audit_log WHERE action = 'showcase.unpublish'").first('actor')).toBe(admin.id);
  });

  it('bad input: a javascript: address, an SVG image, an unknown or draft dataset; injected HTML stays text', async () => {
    const w = await world();
    await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
    const draft = await createThroughForm(w.contributor, w.lodeve, { state: 'draft', title: 'Brouillon caché' });
    const author = await createUser({ username: 'developpeuse', email: 'dev@example.org' });
    const cookie = await signedInCookie(author.id);
    const storedBefore = (await env.FILES.list({ prefix: 'showcases/' })).objects.length;
    const bad = await postMultipart('/user/showcases/new', { ...fields(`inexistant\n${draft}`), url: 'javascript:alert(1)', title: '<img src=x onerror=alert(1)>' }, cookie,
      { bytes: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), name: 'x.svg', type: 'image/svg+xml' });
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain('commençant par https:// ou http://');
    expect(text).toContain('L’image doit être au format PNG, JPEG ou WebP.');
    expect(text).toContain(`Jeux de données introuvables dans le catalogue : inexistant, ${draft}.`);
    expect(text).toContain('value="&lt;img src=x onerror=alert(1)&gt;"');
    expect(text).not.toContain('<img src=x');
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM showcases').first('n')).toBe(0);
    expect((await env.FILES.list({ prefix: 'showcases/' })).objects).toHaveLength(storedBefore);
  });
});
