import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { parisToday } from '../../worker/src/domain/dataset-form';
import { touchDatasetStatement } from '../../worker/src/store/datasets';
import { OPERATOR } from './fixtures';
import { ORIGIN, signedInCookie } from './accounts-fixtures';
import {
  addStoredResource, changes, createThroughForm, datasetCount, datasetFields, datasetRow, get, mailsTo, post, THEME_TRANSPORT,
  THEME_WATER, world,
} from './publish-datasets-fixtures';

const snapshotSlugs = async () => {
  const response = await SELF.fetch(`${ORIGIN}/api/internal/catalogue/snapshot`, { headers: OPERATOR });
  return ((await response.json()) as { datasets: { slug: string }[] }).datasets.map((d) => d.slug);
};

describe('creating a dataset (step 1)', () => {
  it('a contributeur saves a draft: every field stored, slug from the title, no rebuild, producer and référents mailed', async () => {
    const w = await world();
    const response = await post('/user/datasets/new', datasetFields(w.lodeve), await signedInCookie(w.contributor.id));
    expect(response.status).toBe(303);
    const id = /\/user\/datasets\/([^/]+)\/edit\?done=created$/.exec(response.headers.get('location')!)![1]!;

    expect(await datasetRow(id)).toMatchObject({
      slug: 'arrets-de-bus-de-lodeve', title: 'Arrêts de bus de Lodève', organization_id: w.lodeve, creator_user_id: w.contributor.id,
      description: 'Position des **arrêts** du réseau urbain.', licence_id: 'lov2', update_frequency: 'annual', granularity: 'commune',
      geocover: 'bbox', bbox_west: 3.27, bbox_south: 43.7, bbox_east: 3.34, bbox_north: 43.75, data_types: '["open","geo"]',
      owner_name: 'Service SIG', broadcaster_email: 'contact@lodeve.fr', date_created: '2026-03-01', date_modified: '2026-03-02',
      date_published: '2026-03-03', published: 0, default_access: 'public',
    });
    const tags = await env.DB.prepare('SELECT t.name FROM dataset_tags dt JOIN tags t ON t.id = dt.tag_id WHERE dt.dataset_id = ? ORDER BY t.name').bind(id).all();
    expect(tags.results).toEqual([{ name: 'bus' }, { name: 'transport' }]);
    const themes = await env.DB.prepare('SELECT theme_id FROM dataset_themes WHERE dataset_id = ?').bind(id).all();
    expect(themes.results).toEqual([{ theme_id: THEME_TRANSPORT }]);
    expect(await changes()).toEqual([]);
    expect(await env.DB.prepare('SELECT actor, action FROM audit_log WHERE object_id = ?').bind(id).first()).toEqual({ actor: w.contributor.id, action: 'dataset.create' });

    const [toReferent] = await mailsTo(w.referent.email);
    expect(toReferent).toMatchObject({ template: 'dataset_created', subject: 'Nouveau jeu de données : Arrêts de bus de Lodève (Commune de Lodève)' });
    expect(toReferent!.body_text).toContain(`/user/datasets/${id}/edit`);
    expect(await mailsTo(w.contributor.email)).toMatchObject([{ template: 'dataset_created' }]);
    expect(await mailsTo(w.colleague.email)).toEqual([]);

    const page = await get(`/user/datasets/${id}/edit?done=created`, w.contributor.id);
    const text = await page.text();
    expect(text).toContain('Étape 2 : ajoutez-lui des ressources');
    expect(text).toContain(`href="/user/datasets/${id}/resources/new"`);
  });

  it('publishing records a catalogue change (the rebuild) and the dataset enters the public snapshot', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
    expect(await changes()).toEqual([{ reason: 'dataset.create', object_type: 'dataset', object_id: id }]);
    expect(await snapshotSlugs()).toEqual(['arrets-de-bus-de-lodeve']);
  });

  it('saving a published dataset, then taking it back to draft, each record a change; a draft saved as draft does not', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve);
    const cookie = await signedInCookie(w.contributor.id);
    expect((await post(`/user/datasets/${id}/edit`, datasetFields(w.lodeve, { description: 'Autre texte.' }), cookie)).status).toBe(303);
    expect(await changes()).toEqual([]);
    expect((await post(`/user/datasets/${id}/edit`, datasetFields(w.lodeve, { state: 'published' }), cookie)).status).toBe(303);
    expect((await post(`/user/datasets/${id}/edit`, datasetFields(w.lodeve, { state: 'published', keywords: 'bus', themes: [THEME_WATER] }), cookie)).status).toBe(303);
    expect((await post(`/user/datasets/${id}/edit`, datasetFields(w.lodeve, { state: 'draft' }), cookie)).status).toBe(303);
    expect((await changes()).map((c) => c.reason)).toEqual(['dataset.publish', 'dataset.update', 'dataset.unpublish']);
    expect(await snapshotSlugs()).toEqual([]);
    // The address stays the one already shared, whatever the new title.
    await post(`/user/datasets/${id}/edit`, datasetFields(w.lodeve, { title: 'Arrêts de bus' }), cookie);
    expect(await datasetRow(id)).toMatchObject({ title: 'Arrêts de bus', slug: 'arrets-de-bus-de-lodeve' });
    expect((await mailsTo(w.referent.email)).map((m) => m.template)).toEqual(['dataset_created', 'dataset_updated', 'dataset_updated', 'dataset_updated', 'dataset_updated', 'dataset_updated']);
  });

  it('the new form starts with today’s dates, the user as producer and the organisation as diffuseur', async () => {
    const w = await world();
    const html = await (await get('/user/datasets/new', w.contributor.id)).text();
    const today = parisToday();
    expect(html.match(new RegExp(`value="${today}"`, 'g'))).toHaveLength(3);
    expect(html).toContain('name="owner_name" value="Prénom Nom"');
    expect(html).toContain('name="owner_email" value="contributrice@lodeve.fr"');
    expect(html).toContain('name="broadcaster_name" value="Commune de Lodève"');
    expect(html).toContain('name="broadcaster_email" value="sig@lodeve.fr"');
    expect(html).toMatch(/<option value="lov2" selected>/);
    expect(html).toContain('<script src="/scripts/keywords.js" defer></script>');
  });

  it('bad input gets a French message next to each field and in the summary, keeps what was typed, and stores nothing', async () => {
    const w = await world();
    const response = await post('/user/datasets/new', datasetFields(w.lodeve, {
      title: '', description: ' ', date_created: '2026-02-30', licence: 'proprietaire', keywords: 'bus, x', bbox_east: '3.1', owner_email: 'pas-une-adresse',
      geocover: 'bbox', owner_name: 'Service <SIG>',
    }), await signedInCookie(w.contributor.id));
    expect(response.status).toBe(400);
    const html = await response.text();
    for (const message of [
      'Le titre est obligatoire.', 'Le descriptif est obligatoire.', 'Cette date n’est pas valide (format attendu : AAAA-MM-JJ).',
      'Cette licence n’existe pas : choisissez-en une dans la liste.', 'Le mot-clé « x » n’est pas valide',
      'La limite est doit être supérieure à la limite ouest.', 'Cette adresse e-mail n’est pas valide.',
    ]) expect(html).toContain(message);
    expect(html).toContain('<p class="field-error" id="error-title">');
    expect(html).toContain('<a href="#field-date_created">');
    expect(html).toContain('value="Service &lt;SIG&gt;"');
    expect(await datasetCount()).toBe(0);
    expect(await mailsTo(w.referent.email)).toEqual([]);
  });

  it('the territory cover takes the organisation’s territoire de compétence', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve, { geocover: 'jurisdiction', bbox_west: '', bbox_south: '', bbox_east: '', bbox_north: '' });
    expect(await datasetRow(id)).toMatchObject({ geocover: 'jurisdiction', territory_code: 'commune:34142', territory_name: 'Lodève', bbox_west: null });
    const refused = await post('/user/datasets/new', datasetFields(w.agde, { title: 'Plages', geocover: 'jurisdiction' }), await signedInCookie(w.outsider.id));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Cette organisation n’a pas de territoire de compétence');
  });

  it('the preview button renders the Markdown description safely and saves nothing', async () => {
    const w = await world();
    const response = await post('/user/datasets/new', datasetFields(w.lodeve, {
      description: '## Contenu\n\n<script>alert(1)</script> **gras** [lien](javascript:alert(1))',
    }).concat([['intent', 'preview']]), await signedInCookie(w.contributor.id));
    expect(response.status).toBe(200);
    const html = await response.text();
    const preview = html.slice(html.indexOf('data-preview'), html.indexOf('</section>', html.indexOf('data-preview')));
    expect(preview).toContain('<h3>Contenu</h3>');
    expect(preview).toContain('<strong>gras</strong>');
    expect(preview).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(preview).not.toMatch(/<script|href="javascript:/);
    expect(await datasetCount()).toBe(0);
  });
});

describe('deleting a dataset', () => {
  it('after typing its title: the dataset, its resources, versions and every stored file go; change, audit and mails recorded', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
    const first = await addStoredResource(id, 'Arrêts (CSV)', ['v1', 'v2']);
    const second = await addStoredResource(id, 'Lignes (CSV)', ['v1']);
    const keys = [...first.keys, ...second.keys];
    const unrelated = 'resources/autre/version/fichier.csv';
    await env.FILES.put(unrelated, 'reste');

    const form = await (await get(`/user/datasets/${id}/delete`, w.contributor.id)).text();
    expect(form).toContain('ses ressources (2)');
    const response = await post(`/user/datasets/${id}/delete`, [['confirm_title', '  arrêts de bus de  lodève ']], await signedInCookie(w.contributor.id));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/user/datasets?done=deleted');

    expect(await datasetRow(id)).toBeNull();
    for (const table of ['resources', 'resource_versions', 'dataset_tags', 'dataset_themes']) {
      expect(Number((await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())!.n), table).toBe(0);
    }
    for (const key of keys) expect(await env.FILES.head(key), key).toBeNull();
    expect(await env.FILES.head(unrelated)).not.toBeNull();
    expect((await env.FILES.list({ prefix: 'resources/' })).objects.map((o) => o.key)).toEqual([unrelated]);
    expect((await changes()).map((c) => c.reason)).toEqual(['dataset.create', 'dataset.delete']);
    const audit = await env.DB.prepare("SELECT actor, detail FROM audit_log WHERE action = 'dataset.delete'").first<{ actor: string; detail: string }>();
    expect(audit!.actor).toBe(w.contributor.id);
    expect(JSON.parse(audit!.detail)).toMatchObject({ title: 'Arrêts de bus de Lodève', files: 3 });
    expect((await mailsTo(w.referent.email)).map((m) => m.template)).toEqual(['dataset_created', 'dataset_deleted']);
    expect(await (await get('/user/datasets?done=deleted', w.contributor.id)).text()).toContain('Le jeu de données a été supprimé');
  });

  it('a title that does not match deletes nothing and says so', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
    const resource = await addStoredResource(id, 'Arrêts (CSV)', ['v1']);
    const response = await post(`/user/datasets/${id}/delete`, [['confirm_title', 'Arrêts de bus']], await signedInCookie(w.contributor.id));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Le titre saisi ne correspond pas à celui du jeu de données : rien n’a été supprimé.');
    expect(await datasetRow(id)).not.toBeNull();
    expect(await env.FILES.head(resource.keys[0]!)).not.toBeNull();
    expect((await changes()).map((c) => c.reason)).toEqual(['dataset.create']);
  });
});

describe('contributor dashboard', () => {
  it('lists my datasets and my organisation’s, with state, modification date, resources and the links I may use', async () => {
    const w = await world();
    const mine = await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
    await addStoredResource(mine, 'Arrêts (CSV)', ['v1']);
    const theirs = await createThroughForm(w.colleague, w.lodeve, { title: 'Budget primitif 2026' });
    await createThroughForm(w.outsider, w.agde, { title: 'Plages surveillées' });

    const html = await (await get('/user/datasets', w.contributor.id)).text();
    const [, mineSection, othersSection] = html.split(/<section aria-labelledby="(?:mine|organizations)-title">/);
    expect(mineSection).toContain('Arrêts de bus de Lodève');
    expect(mineSection).toContain('Publié');
    expect(mineSection).toContain('2 mars 2026');
    expect(mineSection).toMatch(/<td>1<\/td>/);
    for (const href of [`/dataset/arrets-de-bus-de-lodeve`, `/user/datasets/${mine}/edit`, `/user/datasets/${mine}/resources/new`, `/user/datasets/${mine}/delete`]) {
      expect(mineSection).toContain(`href="${href}"`);
    }
    // A colleague's dataset is listed, but only a référent may change it.
    expect(othersSection).toContain('Budget primitif 2026');
    expect(othersSection).toContain('Brouillon');
    expect(othersSection).not.toContain(`/user/datasets/${theirs}/edit`);
    expect(html).not.toContain('Plages surveillées');
    expect(html).toContain('href="/user/syncs"');

    const referentView = await (await get('/user/datasets', w.referent.id)).text();
    expect(referentView).toContain(`href="/user/datasets/${theirs}/edit"`);
    expect(referentView).toContain(`href="/user/datasets/${mine}/delete"`);
  });

  it('the edit page lists the dataset’s resources with links to edit, versions and delete them', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve);
    const resource = await addStoredResource(id, 'Arrêts (CSV)', ['v1']);
    const html = await (await get(`/user/datasets/${id}/edit`, w.contributor.id)).text();
    expect(html).toContain('<td>Arrêts (CSV)</td><td>CSV</td><td>Fichier déposé sur le portail</td><td>Tout le monde</td>');
    for (const path of ['edit', 'versions', 'delete']) expect(html).toContain(`href="/user/datasets/${id}/resources/${resource.id}/${path}"`);
  });
});

describe('keywords and modification date for other surfaces', () => {
  it('suggests existing keywords, those starting with the text first; drafts’ keywords only to their organisation', async () => {
    const w = await world();
    await createThroughForm(w.contributor, w.lodeve, { state: 'published', keywords: 'transport scolaire, bus' });
    await createThroughForm(w.contributor, w.lodeve, { title: 'Lignes', state: 'published', keywords: 'transport scolaire, ligne' });
    await createThroughForm(w.contributor, w.lodeve, { title: 'Réseau', state: 'published', keywords: 'aéroport' });
    await createThroughForm(w.outsider, w.agde, { title: 'Projet', keywords: 'transport maritime' });

    const suggest = async (q: string, userId?: string) =>
      (await (await get(`/api/keywords?q=${encodeURIComponent(q)}`, userId)).json()) as Array<{ name: string; count: number }>;
    expect(await suggest('TRANS')).toEqual([{ name: 'transport scolaire', count: 2 }]);
    expect(await suggest('port', w.contributor.id)).toEqual([{ name: 'transport scolaire', count: 2 }, { name: 'aéroport', count: 1 }]);
    expect((await suggest('trans', w.outsider.id)).map((k) => k.name)).toEqual(['transport scolaire', 'transport maritime']);
    expect(await suggest('%')).toEqual([]);
    const empty = await get('/api/keywords?q=');
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { message: 'Indiquez au moins un caractère dans le paramètre « q ».' } });
  });

  it('touchDatasetStatement sets the modification date to today', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve);
    await touchDatasetStatement(env.DB, id).run();
    expect((await datasetRow(id))!.date_modified).toBe(parisToday());
  });
});
