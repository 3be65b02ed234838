import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../worker/src/domain/password-hash';
import { hashSecret } from '../../worker/src/store/sessions';
import { anonymousCookie, createUser, ORIGIN, postForm } from './accounts-fixtures';
import { count, getPage, insertOrganization, mailedToken, outbox, pageText, signUpFields } from './account-helpers';

const users = () => count('SELECT 1 FROM users');
const userRow = (username: string) => env.DB.prepare('SELECT * FROM users WHERE username = ?').bind(username)
  .first<{ id: string; email: string; password_hash: string; email_confirmed_at: string | null; terms_version: string; phone: string | null }>();

describe('sign-up', () => {
  it('shows the username rule and the password policy next to their fields, and links the conditions d’utilisation', async () => {
    const page = await pageText(await getPage('/user/register'));
    expect(page).toContain('id="hint-username"');
    expect(page).toContain('lettres minuscules sans accent, chiffres, tiret (-) et tiret bas (_)');
    expect(page).toContain('Au moins 12 caractères');
    expect(page).toContain('href="/page/conditions-utilisation"');
    expect(page).toContain('version 2026-01');
  });

  it('creates an unconfirmed account with a hashed password, the terms version accepted, and mails a 48-hour confirmation link', async () => {
    const response = await postForm('/user/register', signUpFields({ phone: '04 67 00 00 00' }));
    expect(response.status).toBe(200);
    expect(await pageText(response)).toContain('Un e-mail vient d\'être envoyé à alix.martin@ville-test.fr');
    const user = (await userRow('alix-martin'))!;
    expect(user.email_confirmed_at).toBeNull();
    expect(user.terms_version).toBe('2026-01');
    expect(user.phone).toBe('04 67 00 00 00');
    expect(user.password_hash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(await verifyPassword('sept chevaux blancs au galop', user.password_hash)).toBe(true);

    const [mail] = await outbox('alix.martin@ville-test.fr');
    expect(mail).toMatchObject({ template: 'confirm_account_creation', subject: 'Confirmez votre inscription sur le Portail des données ouvertes', status: 'kept_local' });
    const secret = await mailedToken('alix.martin@ville-test.fr', '/user/confirm');
    const token = await env.DB.prepare('SELECT * FROM account_tokens WHERE user_id = ?').bind(user.id)
      .first<{ token_hash: string; purpose: string; expires_at: string; created_at: string }>();
    expect(token!.token_hash).toBe(hashSecret(secret));
    expect(token!.purpose).toBe('confirm_email');
    expect(new Date(token!.expires_at).getTime() - new Date(token!.created_at).getTime()).toBe(48 * 3600_000);
    expect(await count("SELECT 1 FROM audit_log WHERE action = 'account.created' AND object_id = ?", user.id)).toBe(1);
  });

  it('refuses a username or an e-mail already in use (whatever its case), says which, and creates nothing', async () => {
    await createUser({ username: 'alix-martin', email: 'autre@ville-test.fr' });
    await createUser({ username: 'quelquun', email: 'alix.martin@ville-test.fr' });
    const before = await users();
    const byName = await postForm('/user/register', signUpFields({ email: 'nouvelle@ville-test.fr' }));
    expect(byName.status).toBe(400);
    expect(await pageText(byName)).toContain("Ce nom d'utilisateur est déjà pris");
    const byEmail = await postForm('/user/register', signUpFields({ username: 'alix-m', email: 'Alix.Martin@Ville-Test.fr' }));
    expect(byEmail.status).toBe(400);
    expect(await pageText(byEmail)).toContain('Un compte existe déjà avec cette adresse e-mail');
    expect(await users()).toBe(before);
    expect(await outbox()).toHaveLength(0);
  });

  it('refuses a malformed username and e-mail with the rule each breaks, keeping what was typed except the password', async () => {
    const response = await postForm('/user/register', signUpFields({ username: 'Alix Martin', email: 'alix.martin@' }));
    expect(response.status).toBe(400);
    const page = await pageText(response);
    expect(page).toContain("Le nom d'utilisateur ne peut contenir que des lettres minuscules sans accent, des chiffres, « - » et « _ ».");
    expect(page).toContain("Cette adresse e-mail n'est pas valide.");
    expect(page).toContain('value="Alix Martin"');
    expect(page).not.toContain('sept chevaux blancs');
    const short = await pageText(await postForm('/user/register', signUpFields({ username: 'al' })));
    expect(short).toContain("Le nom d'utilisateur doit compter de 3 à 100 caractères.");
    expect(await users()).toBe(0);
  });

  it('refuses a short or common password and a sign-up without the conditions accepted', async () => {
    const short = await pageText(await postForm('/user/register', signUpFields({ password: 'court' })));
    expect(short).toContain('Le mot de passe doit compter au moins 12 caractères.');
    const common = await pageText(await postForm('/user/register', signUpFields({ password: 'password1234' })));
    expect(common).toContain('Ce mot de passe fait partie des plus courants');
    const { terms: _terms, ...withoutTerms } = signUpFields();
    const noTerms = await postForm('/user/register', withoutTerms);
    expect(noTerms.status).toBe(400);
    expect(await pageText(noTerms)).toContain("Vous devez accepter les conditions d'utilisation pour continuer.");
    const oldVersion = await pageText(await postForm('/user/register', signUpFields({ terms_version: '2025-01' })));
    expect(oldVersion).toContain("Les conditions d'utilisation viennent de changer");
    expect(await users()).toBe(0);
  });

  it('refuses a cross-site sign-up and one without the CSRF token', async () => {
    const crossSite = await postForm('/user/register', signUpFields(), anonymousCookie, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    const noToken = await SELF.fetch(`${ORIGIN}/user/register`, {
      method: 'POST', redirect: 'manual',
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(signUpFields()),
    });
    expect(noToken.status).toBe(403);
    expect(await users()).toBe(0);
  });

  it('files the membership and contributeur requests in an existing organisation; its référent hears of them only after confirmation', async () => {
    const org = await insertOrganization({ legalName: 'Commune de Test', domains: ['ville-test.fr'] });
    await createUser({ username: 'referente', email: 'referente@ville-test.fr', memberships: [{ organizationId: org, role: 'referent' }] });
    const response = await postForm('/user/register', signUpFields({ organization: 'existing', organization_id: org, contributor: 'on' }));
    expect(response.status).toBe(200);
    const user = (await userRow('alix-martin'))!;
    const requests = await env.DB.prepare('SELECT kind, status, organization_id FROM role_requests WHERE user_id = ?').bind(user.id).all();
    expect(requests.results).toEqual([{ kind: 'contributor', status: 'pending', organization_id: org }]);
    expect(await outbox('referente@ville-test.fr')).toHaveLength(0);

    const secret = await mailedToken(user.email, '/user/confirm');
    expect((await postForm('/user/confirm', { token: secret })).status).toBe(200);
    const [notified] = await outbox('referente@ville-test.fr');
    expect(notified).toMatchObject({ template: 'confirm_contributor_status' });
    expect(notified!.body_text).toContain('alix-martin');
  });

  it('asks for a new organisation: stored inactive with the creation request and the membership request', async () => {
    const response = await postForm('/user/register', signUpFields({
      organization: 'new', org_legal_name: 'Syndicat des eaux du Test', org_type: 'syndicat', org_website: 'https://eaux-test.fr',
      org_postcode: '34000', org_city: 'Montpellier', org_email_domains: 'ville-test.fr, eaux-test.fr', referent: 'on',
    }));
    expect(response.status).toBe(200);
    const org = await env.DB.prepare('SELECT id, is_active, org_type, email_domains, website FROM organizations WHERE legal_name = ?')
      .bind('Syndicat des eaux du Test').first<{ id: string; is_active: number; org_type: string; email_domains: string; website: string }>();
    expect(org).toMatchObject({ is_active: 0, org_type: 'syndicat', website: 'https://eaux-test.fr' });
    expect(JSON.parse(org!.email_domains)).toEqual(['ville-test.fr', 'eaux-test.fr']);
    const kinds = await env.DB.prepare('SELECT kind FROM role_requests WHERE organization_id = ? ORDER BY kind').bind(org!.id).all<{ kind: string }>();
    expect(kinds.results.map((k) => k.kind)).toEqual(['organization', 'referent']);
  });

  it('refuses a new organisation without a legal name or with an invalid mail domain, and roles without an organisation', async () => {
    const page = await pageText(await postForm('/user/register', signUpFields({ organization: 'new', org_type: 'commune', org_email_domains: 'ville test' })));
    expect(page).toContain('La dénomination sociale est obligatoire.');
    const domain = await pageText(await postForm('/user/register', signUpFields({ organization: 'new', org_legal_name: 'Commune', org_type: 'commune', org_email_domains: 'ville_test' })));
    expect(domain).toContain("« ville_test » n'est pas un nom de domaine valide.");
    const roles = await pageText(await postForm('/user/register', signUpFields({ contributor: 'on' })));
    expect(roles).toContain('Pour devenir contributeur ou référent, choisissez une organisation existante');
    expect(await users()).toBe(0);
    expect(await count('SELECT 1 FROM organizations')).toBe(0);
  });

  it('refuses a webmail address joining a municipality, with the rule next to the organisation field, and keeps nothing', async () => {
    const org = await insertOrganization({ legalName: 'Commune de Test', domains: ['ville-test.fr'] });
    const response = await postForm('/user/register', signUpFields({ email: 'alix.martin@gmail.com', organization: 'existing', organization_id: org, contributor: 'on' }));
    expect(response.status).toBe(400);
    const page = await pageText(response);
    expect(page).toContain('id="error-organization"');
    expect(page).toContain('Votre adresse e-mail est une adresse personnelle');
    expect(await users()).toBe(0);
    expect(await count('SELECT 1 FROM role_requests')).toBe(0);
    expect(await outbox()).toHaveLength(0);

    const created = await postForm('/user/register', signUpFields({ email: 'alix.martin@gmail.com', organization: 'new', org_legal_name: 'Mairie de Test', org_type: 'commune', org_email_domains: 'mairie-test.fr' }));
    expect(created.status).toBe(400);
    expect(await users()).toBe(0);
    expect(await count('SELECT 1 FROM organizations WHERE legal_name = ?', 'Mairie de Test')).toBe(0);
  });
});

describe('e-mail confirmation', () => {
  async function signedUp(): Promise<{ id: string; secret: string }> {
    await postForm('/user/register', signUpFields());
    const user = (await userRow('alix-martin'))!;
    return { id: user.id, secret: await mailedToken(user.email, '/user/confirm') };
  }

  it('opening the link shows a button and uses nothing; the button confirms the account and mails account_activated', async () => {
    const { id, secret } = await signedUp();
    const page = await getPage(`/user/confirm?token=${secret}`);
    expect(page.status).toBe(200);
    expect(await pageText(page)).toContain('Confirmer mon adresse');
    expect((await userRow('alix-martin'))!.email_confirmed_at).toBeNull();

    const confirmed = await postForm('/user/confirm', { token: secret });
    expect(confirmed.status).toBe(200);
    expect(await pageText(confirmed)).toContain('Votre compte est activé');
    expect((await userRow('alix-martin'))!.email_confirmed_at).not.toBeNull();
    expect((await outbox('alix.martin@ville-test.fr')).map((m) => m.template)).toEqual(['confirm_account_creation', 'account_activated']);
    expect(await count("SELECT 1 FROM audit_log WHERE action = 'account.confirmed' AND object_id = ?", id)).toBe(1);
    const signIn = await postForm('/user/login', { identifier: 'alix-martin', password: 'sept chevaux blancs au galop' });
    expect(signIn.status).toBe(303);
  });

  it('refuses a link used once already, and an unknown one', async () => {
    const { secret } = await signedUp();
    await postForm('/user/confirm', { token: secret });
    const again = await postForm('/user/confirm', { token: secret });
    expect(again.status).toBe(410);
    expect(await pageText(again)).toContain('Ce lien a déjà été utilisé.');
    const reopened = await getPage(`/user/confirm?token=${secret}`);
    expect(reopened.status).toBe(410);
    const unknown = await getPage('/user/confirm?token=abcdefghijklmnopqrstuvwxyz234567');
    expect(unknown.status).toBe(404);
    expect(await pageText(unknown)).toContain("Ce lien n'est pas valide.");
  });

  it('refuses an expired link and leaves the account unconfirmed', async () => {
    const { id, secret } = await signedUp();
    await env.DB.prepare('UPDATE account_tokens SET expires_at = ? WHERE user_id = ?').bind(new Date(Date.now() - 1000).toISOString(), id).run();
    const response = await postForm('/user/confirm', { token: secret });
    expect(response.status).toBe(410);
    const page = await pageText(response);
    expect(page).toContain('Ce lien a expiré.');
    expect(page).toContain('href="/user/confirm/resend"');
    expect((await userRow('alix-martin'))!.email_confirmed_at).toBeNull();
  });

  it('refuses a confirmation posted without the CSRF token', async () => {
    const { secret } = await signedUp();
    const response = await postForm('/user/confirm', { token: secret }, anonymousCookie, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect((await userRow('alix-martin'))!.email_confirmed_at).toBeNull();
  });

  it('resends a link that replaces the old one, answering the same for an unknown address', async () => {
    const { secret: first } = await signedUp();
    const known = await pageText(await postForm('/user/confirm/resend', { email: 'alix.martin@ville-test.fr' }));
    const unknown = await pageText(await postForm('/user/confirm/resend', { email: 'personne@ville-test.fr' }));
    const answer = (page: string) => /<p class="success" role="status">([^<]*)<\/p>/.exec(page)?.[1]?.replace(/personne|alix\.martin/, '…');
    expect(answer(known)).toBe(answer(unknown));
    expect(answer(known)).toContain('un nouveau lien vient d\'y être envoyé');
    const second = await mailedToken('alix.martin@ville-test.fr', '/user/confirm');
    expect(second).not.toBe(first);
    expect((await postForm('/user/confirm', { token: first })).status).toBe(410);
    expect((await postForm('/user/confirm', { token: second })).status).toBe(200);
    expect(await outbox('personne@ville-test.fr')).toHaveLength(0);
  });
});
