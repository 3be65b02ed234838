import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { signedInCookie } from './accounts-fixtures';
import {
  addStoredResource, changes, createThroughForm, datasetCount, datasetFields, datasetRow, get, mailsTo, post, world,
} from './publish-datasets-fixtures';

describe('who may create, edit and delete', () => {
  it('a contributeur of another organisation can neither edit nor delete: 403 and nothing changes', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
    const before = await datasetRow(id);
    const file = await addStoredResource(id, 'Arrêts (CSV)', ['v1']);
    const cookie = await signedInCookie(w.outsider.id);

    expect((await get(`/user/datasets/${id}/edit`, w.outsider.id)).status).toBe(403);
    expect((await get(`/user/datasets/${id}/delete`, w.outsider.id)).status).toBe(403);
    const edit = await post(`/user/datasets/${id}/edit`, datasetFields(w.agde, { title: 'Détourné' }), cookie);
    expect(edit.status).toBe(403);
    expect(await edit.text()).toContain('pas les droits nécessaires pour cette action');
    expect((await post(`/user/datasets/${id}/delete`, [['confirm_title', 'Arrêts de bus de Lodève']], cookie)).status).toBe(403);

    expect(await datasetRow(id)).toEqual(before);
    expect(await env.FILES.head(file.keys[0]!)).not.toBeNull();
    expect((await changes()).map((c) => c.reason)).toEqual(['dataset.create']);
  });

  it('a contributeur cannot change a dataset another contributeur created; the référent can', async () => {
    const w = await world();
    const id = await createThroughForm(w.colleague, w.lodeve);
    const before = await datasetRow(id);
    const cookie = await signedInCookie(w.contributor.id);
    expect((await post(`/user/datasets/${id}/edit`, datasetFields(w.lodeve, { description: 'Réécrit.' }), cookie)).status).toBe(403);
    expect((await post(`/user/datasets/${id}/delete`, [['confirm_title', 'Arrêts de bus de Lodève']], cookie)).status).toBe(403);
    expect(await datasetRow(id)).toEqual(before);

    const referent = await signedInCookie(w.referent.id);
    expect((await post(`/user/datasets/${id}/edit`, datasetFields(w.lodeve, { description: 'Relu par la référente.' }), referent)).status).toBe(303);
    expect(await datasetRow(id)).toMatchObject({ description: 'Relu par la référente.', creator_user_id: w.colleague.id });
    // The producer hears of it.
    expect((await mailsTo(w.colleague.email)).map((m) => m.template)).toEqual(['dataset_created', 'dataset_updated']);
    expect((await post(`/user/datasets/${id}/delete`, [['confirm_title', 'Arrêts de bus de Lodève']], referent)).status).toBe(303);
    expect(await datasetRow(id)).toBeNull();
  });

  it('a member who is not contributeur cannot create, even by forging the form', async () => {
    const w = await world();
    const page = await get('/user/datasets/new', w.member.id);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('Vous n’êtes contributeur d’aucune organisation');
    expect((await post('/user/datasets/new', datasetFields(w.lodeve), await signedInCookie(w.member.id))).status).toBe(403);
    expect(await datasetCount()).toBe(0);
  });

  it('a contributeur cannot put a dataset in an organisation where they do not contribute', async () => {
    const w = await world();
    const created = await post('/user/datasets/new', datasetFields(w.agde), await signedInCookie(w.contributor.id));
    expect(created.status).toBe(400);
    expect(await created.text()).toContain('Vous n’êtes pas contributeur de cette organisation');
    expect(await datasetCount()).toBe(0);

    const id = await createThroughForm(w.contributor, w.lodeve);
    const moved = await post(`/user/datasets/${id}/edit`, datasetFields(w.agde), await signedInCookie(w.contributor.id));
    expect(moved.status).toBe(400);
    expect((await datasetRow(id))!.organization_id).toBe(w.lodeve);
  });

  it('anonymous visitors are sent to sign in and change nothing', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve);
    for (const path of ['/user/datasets', '/user/datasets/new', `/user/datasets/${id}/edit`, `/user/datasets/${id}/delete`]) {
      const response = await get(path);
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location'), path).toBe(`/user/login?next=${encodeURIComponent(path)}`);
    }
    expect((await post(`/user/datasets/${id}/delete`, [['confirm_title', 'Arrêts de bus de Lodève']], '__Host-csrf=abcdefghijklmnopqrstuvwxyz234567')).status).toBe(303);
    expect(await datasetRow(id)).not.toBeNull();
  });

  it('an unknown dataset is a 404 with a French page', async () => {
    const w = await world();
    const response = await get('/user/datasets/00000000-0000-0000-0000-000000000000/edit', w.contributor.id);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Ce jeu de données n’existe pas ou a été supprimé.');
  });
});

describe('CSRF on every publishing form', () => {
  const forged: Array<{ name: string; headers: Record<string, string>; csrf: string | undefined }> = [
    { name: 'with a token that is not the cookie’s', headers: {}, csrf: 'x'.repeat(32) },
    { name: 'from another site', headers: { origin: 'https://evil.example' }, csrf: undefined },
  ];
  for (const attempt of forged) {
    it(`create, edit and delete are refused ${attempt.name}, and nothing changes`, async () => {
      const w = await world();
      const id = await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
      const before = await datasetRow(id);
      const cookie = await signedInCookie(w.contributor.id);
      const send = (path: string, fields: Array<[string, string]>) => post(path, fields, cookie, attempt.headers, attempt.csrf);
      const responses = await Promise.all([
        send('/user/datasets/new', datasetFields(w.lodeve, { title: 'Autre jeu' })),
        send(`/user/datasets/${id}/edit`, datasetFields(w.lodeve, { title: 'Modifié' })),
        send(`/user/datasets/${id}/delete`, [['confirm_title', 'Arrêts de bus de Lodève']]),
      ]);
      for (const response of responses) {
        expect(response.status).toBe(403);
        expect(await response.text()).toContain('Le formulaire a expiré ou ne vient pas de ce site.');
      }
      expect(await datasetCount()).toBe(1);
      expect(await datasetRow(id)).toEqual(before);
      expect((await changes()).map((c) => c.reason)).toEqual(['dataset.create']);
    });
  }
});

describe('titles and addresses', () => {
  it('a duplicate title, whatever its case, is refused with a French message', async () => {
    const w = await world();
    await createThroughForm(w.contributor, w.lodeve);
    const response = await post('/user/datasets/new', datasetFields(w.agde, { title: 'ARRÊTS DE BUS DE LODÈVE' }), await signedInCookie(w.outsider.id));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Un jeu de données porte déjà ce titre : choisissez un titre différent.');
    expect(await datasetCount()).toBe(1);
  });

  it('a different title giving an existing address is refused; renaming onto another dataset’s title too', async () => {
    const w = await world();
    await createThroughForm(w.contributor, w.lodeve);
    const cookie = await signedInCookie(w.contributor.id);
    const response = await post('/user/datasets/new', datasetFields(w.lodeve, { title: 'Arrets de bus de Lodeve !' }), cookie);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Un jeu de données a déjà une adresse de page identique à celle de ce titre : modifiez le titre.');
    const other = await createThroughForm(w.contributor, w.lodeve, { title: 'Lignes de bus' });
    const renamed = await post(`/user/datasets/${other}/edit`, datasetFields(w.lodeve, { title: 'Arrêts de bus de Lodève' }), cookie);
    expect(renamed.status).toBe(400);
    expect((await datasetRow(other))!.title).toBe('Lignes de bus');
  });

  it('HTML in the title and description is shown as text on the Worker pages', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve, { title: '<img src=x onerror=alert(1)> Arrêts', description: '<script>alert(1)</script>' });
    for (const path of [`/user/datasets/${id}/edit`, '/user/datasets', `/user/datasets/${id}/delete`]) {
      const html = await (await get(path, w.contributor.id)).text();
      expect(html, path).toContain('&lt;img src=x onerror=alert(1)&gt; Arrêts');
      expect(html, path).not.toContain('<img src=x');
      expect(html, path).not.toContain('<script>alert(1)');
    }
  });
});
