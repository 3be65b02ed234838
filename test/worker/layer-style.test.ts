import { env, SELF } from 'cloudflare:test';
import { decode } from 'fast-png';
import { beforeEach, describe, expect, it } from 'vitest';
import { createUser, ORIGIN, signedInCookie } from './accounts-fixtures';
import { createServedLayer, squareFeature } from './geo-layer-fixtures';
import { createDataset, createOrganization, postResourceForm } from './publish-resources-fixtures';

let datasetId: string;
let resourceId: string;
let cookie: string;
let outsiderCookie: string;
let path: string;

beforeEach(async () => {
  const objects = (await env.FILES.list()).objects.map((o) => o.key);
  if (objects.length) await env.FILES.delete(objects);
  const org = await createOrganization('commune-de-lodeve', 'Commune de Lodève');
  const other = await createOrganization('commune-d-agde', "Commune d'Agde");
  const contributor = await createUser({ username: 'agent', memberships: [{ organizationId: org, role: 'member' }, { organizationId: org, role: 'contributor' }] });
  const outsider = await createUser({ username: 'agathois', memberships: [{ organizationId: other, role: 'contributor' }] });
  datasetId = await createDataset({ organizationId: org, creatorUserId: contributor.id });
  resourceId = await createServedLayer({
    organizationId: org, datasetId, name: 'communes', geometryType: 'Polygon',
    fields: [{ name: 'nom', type: 'string' }, { name: 'pop', type: 'integer' }],
    features: [squareFeature(3.30, 43.70, 0.04, { nom: 'Lodève', pop: 7000 }), squareFeature(3.36, 43.70, 0.04, { nom: 'Soubès', pop: 800 })],
  });
  cookie = await signedInCookie(contributor.id);
  outsiderCookie = await signedInCookie(outsider.id);
  path = `/user/datasets/${datasetId}/resources/${resourceId}/style`;
});

const savedStyle = async () => {
  const row = await env.DB.prepare('SELECT style FROM layer_styles WHERE resource_id = ?').bind(resourceId).first<{ style: string }>();
  return row ? JSON.parse(row.style) : null;
};

const classFields = (overrides: Record<string, string> = {}) => ({
  name: 'Population', classes: '1', 'c0-title': 'Plus de 1 000', 'c0-filter-attribute': 'pop', 'c0-filter-operator': '>', 'c0-filter-values': '1000',
  'c0-fill': 'on', 'c0-fill-color': '#FF0000', 'c0-fill-opacity': '1', 'c0-stroke-color': '#000000', 'c0-stroke-width': '1',
  'c0-label-attribute': 'nom', 'c0-label-size': '12', 'c0-label-color': '#222222', action: 'save', ...overrides,
});

describe('style editor', () => {
  it('shows the default style with a preview and the legend; outsiders are refused', async () => {
    const page = await SELF.fetch(`${ORIGIN}${path}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('Style de la couche');
    expect(text).toContain('id="style-preview" class="style-preview" src="data:image/png;base64,');
    expect(text).toContain('<label for="c0-fill-color">Couleur du fond</label>');
    expect((await SELF.fetch(`${ORIGIN}${path}`, { headers: { cookie: outsiderCookie } })).status).toBe(403);
  });

  it('saves a valid style (audit, catalogue change) and keeps the form with French errors otherwise', async () => {
    const saved = await postResourceForm(path, classFields(), cookie);
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`${path}?saved=1`);
    expect(await savedStyle()).toEqual({
      name: 'Population',
      classes: [{ title: 'Plus de 1 000', filter: { attribute: 'pop', operator: '>', values: ['1000'] }, fill: { color: '#ff0000', opacity: 1 }, stroke: null, point: null, label: { attribute: 'nom', size: 12, color: '#222222' } }],
    });
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'layer.style.saved'").first('n')).toBe(1);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM catalogue_changes WHERE reason = 'layer style'").first('n')).toBe(1);

    const bad = await postResourceForm(path, classFields({ 'c0-filter-operator': 'between', 'c0-filter-values': 'dix ; vingt', name: '' }), cookie);
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain('Donnez un nom au style.');
    expect(text).toContain('Classe 1 : les bornes de « entre » doivent être des nombres.');
    expect(text).toContain('value="dix ; vingt"');
    expect((await savedStyle()).name).toBe('Population');
  });

  it('adds and removes classes without JavaScript', async () => {
    const added = await (await postResourceForm(path, classFields({ action: 'add' }), cookie)).text();
    expect(added).toContain('name="classes" value="2"');
    expect(added).toContain('<legend>Classe 2</legend>');
    const removed = await (await postResourceForm(path, { ...classFields({ action: 'remove-0' }) }, cookie)).text();
    expect(removed).toContain('name="classes" value="0"');
    expect(await savedStyle()).toBeNull();
  });

  it('draws the unsaved form as the live preview PNG', async () => {
    const response = await postResourceForm(`${path}/preview`, classFields(), cookie);
    expect(response.headers.get('content-type')).toBe('image/png');
    const image = decode(new Uint8Array(await response.arrayBuffer()));
    let red = 0;
    for (let i = 0; i < image.data.length; i += 4) if (image.data[i] === 255 && image.data[i + 1] === 0 && image.data[i + 2] === 0) red++;
    expect(red).toBeGreaterThan(1000);
    const invalid = await postResourceForm(`${path}/preview`, classFields({ 'c0-fill-color': 'rouge' }), cookie);
    expect(invalid.status).toBe(400);
  });

  it('imports a pasted SLD or a file, refuses an entity bomb without losing the text, and exports SLD', async () => {
    const exported = await SELF.fetch(`${ORIGIN}${path}/export`, { headers: { cookie } });
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="communes.sld"');
    const sld = (await exported.text()).replace('#9ecae1', '#123456');
    expect((await postResourceForm(`${path}/import`, { sld }, cookie)).status).toBe(303);
    expect((await savedStyle()).classes[0].fill.color).toBe('#123456');

    const form = new FormData();
    form.set('_csrf', 'abcdefghijklmnopqrstuvwxyz234567');
    form.set('sld', '');
    form.set('sld_file', new File([sld.replace('#123456', '#654321')], 'style.sld', { type: 'application/xml' }));
    const fromFile = await SELF.fetch(`${ORIGIN}${path}/import`, { method: 'POST', redirect: 'manual', headers: { origin: ORIGIN, cookie }, body: form });
    expect(fromFile.status).toBe(303);
    expect((await savedStyle()).classes[0].fill.color).toBe('#654321');

    const bomb = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><StyledLayerDescriptor>&b;</StyledLayerDescriptor>';
    const refused = await postResourceForm(`${path}/import`, { sld: bomb }, cookie);
    expect(refused.status).toBe(400);
    const text = await refused.text();
    expect(text).toContain('Ce SLD contient une déclaration DOCTYPE');
    expect(text).toContain('&lt;!ENTITY a &quot;aaaaaaaaaa&quot;&gt;');
    expect((await savedStyle()).classes[0].fill.color).toBe('#654321');
    const se = await (await SELF.fetch(`${ORIGIN}${path}/export?version=1.1.0`, { headers: { cookie } })).text();
    expect(se).toContain('<se:SvgParameter name="fill">#654321</se:SvgParameter>');
  });
});
