// Contact the producer (issue 5): relayed by mail without revealing the producer's address, open to visitors with
// a honeypot and rate limits, logged.
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { anonymousCookie, ORIGIN, postForm, signedInCookie } from './accounts-fixtures';
import { createThroughForm, mailsTo, world } from './publish-datasets-fixtures';

const message = 'Bonjour, les arrêts de la ligne 3 manquent-ils volontairement ?';

describe('contact the producer', () => {
  it('a visitor writes; the producer gets the message with the sender’s address, never the other way round; it is logged', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
    const page = await (await SELF.fetch(`${ORIGIN}/user/contact/${id}`)).text();
    expect(page).toContain('le producteur (Service SIG)');
    expect(page).not.toContain('sig@lodeve.fr');
    expect(page).not.toContain('contact@lodeve.fr');
    const response = await postForm(`/user/contact/${id}`, { recipient: 'owner', name: 'Camille <b>Dupont</b>', email: 'camille@example.org', message });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('Votre message a été transmis');
    expect(text).not.toContain('sig@lodeve.fr');
    const [mail] = await mailsTo('sig@lodeve.fr');
    expect(mail!.template).toBe('producer_contact');
    expect(mail!.body_text).toContain('Camille <b>Dupont</b> (camille@example.org)');
    expect(mail!.body_text).toContain(`> ${message}`);
    const receipt = await mailsTo('camille@example.org');
    expect(receipt.map((m) => m.template)).toEqual(['producer_contact_receipt']);
    expect(receipt[0]!.body_text).not.toContain('sig@lodeve.fr');
    const logged = await env.DB.prepare('SELECT sender_email, recipient, body FROM producer_messages').all();
    expect(logged.results).toEqual([{ sender_email: 'camille@example.org', recipient: 'owner', body: message }]);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'producer.contact'").first('n'))).toBe(1);
  });

  it('a signed-in user writes to the diffuseur without typing name or address', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
    const response = await postForm(`/user/contact/${id}`, { recipient: 'broadcaster', message }, await signedInCookie(w.outsider.id));
    expect(response.status).toBe(200);
    expect((await mailsTo('contact@lodeve.fr'))[0]!.body_text).toContain('(contributeur@agde.fr)');
  });

  it('spam guards: the honeypot, then the rate limit per address; bad input keeps what was typed', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve, { state: 'published' });
    const robot = await postForm(`/user/contact/${id}`, { recipient: 'owner', name: 'Robot', email: 'robot@example.org', message, website: 'http://spam.example' });
    expect(robot.status).toBe(400);
    expect(await mailsTo('sig@lodeve.fr')).toEqual([]);
    const bad = await postForm(`/user/contact/${id}`, { recipient: 'owner', name: 'Camille', email: 'pas-une-adresse', message: 'court' });
    expect(bad.status).toBe(400);
    const badText = await bad.text();
    expect(badText).toContain('Cette adresse électronique n’est pas valide');
    expect(badText).toContain('Le message est trop court');
    expect(badText).toContain('value="pas-une-adresse"');
    for (let i = 0; i < 5; i++) {
      expect((await postForm(`/user/contact/${id}`, { recipient: 'owner', name: 'Camille', email: `c${i}@example.org`, message }, anonymousCookie, { 'cf-connecting-ip': '203.0.113.9' })).status).toBe(200);
    }
    const limited = await postForm(`/user/contact/${id}`, { recipient: 'owner', name: 'Camille', email: 'c9@example.org', message }, anonymousCookie, { 'cf-connecting-ip': '203.0.113.9' });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('Trop d’envois en peu de temps');
    expect(await mailsTo('sig@lodeve.fr')).toHaveLength(5);
  });

  it('a draft cannot be written about', async () => {
    const w = await world();
    const id = await createThroughForm(w.contributor, w.lodeve, { state: 'draft' });
    expect((await SELF.fetch(`${ORIGIN}/user/contact/${id}`)).status).toBe(404);
    expect((await postForm(`/user/contact/${id}`, { recipient: 'owner', name: 'Camille', email: 'c@example.org', message })).status).toBe(404);
  });
});
