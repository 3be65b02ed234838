// Sign-up: the account (unconfirmed until the mailed link is opened), optionally an organisation to join or to
// create, the roles asked in it, and the current conditions d'utilisation accepted. Anything refused is explained
// next to its field and nothing is kept.
import type { IRequest } from 'itty-router';
import { signUpInput, type SignUpInput } from '../../domain/account-forms';
import { PASSWORD_MIN_LENGTH } from '../../domain/accounts';
import { hashPassword, scryptParams } from '../../domain/password-hash';
import type { Env } from '../../env';
import { t } from '../../i18n';
import { confirmAccountCreationMail } from '../../mail/templates/account';
import { sendMails } from '../../mail/mailer';
import { checkboxField, csrfField, selectField, textField, type FieldErrors } from '../../render/forms';
import { html } from '../../render/html';
import { newAccountToken } from '../../store/account-tokens';
import { currentTerms, emailTaken, insertAccountStatement, usernameTaken } from '../../store/accounts';
import { auditStatement } from '../../store/audit';
import { fileOrganizationRequest, fileRoleRequest, type FileResult } from '../../store/role-requests';
import { requestContext } from '../actor';
import { organizationFields } from '../roles/organization-form';
import { csrfToken, csrfValid } from '../csrf';
import { formValues, LANG, pageResponse, redirect } from '../pages';
import { formErrors, messagePage, summary } from './common';

interface SignUpState {
  values: Record<string, string>;
  errors?: FieldErrors;
  general?: string;
  status?: number;
}

async function activeOrganizations(db: D1Database): Promise<Array<{ id: string; legal_name: string }>> {
  return (await db.prepare('SELECT id, legal_name FROM organizations WHERE is_active = 1 ORDER BY legal_name COLLATE NOCASE')
    .all<{ id: string; legal_name: string }>()).results;
}

function organizationRadio(value: string, label: string, checked: boolean, first: boolean, error?: string) {
  return html`<div class="field-checkbox">
  <input type="radio" name="organization" value="${value}"${first ? html` id="field-organization"` : html` id="field-organization-${value}"`}${checked ? html` checked` : ''}${error ? html` aria-describedby="error-organization"` : ''}>
  <label for="${first ? 'field-organization' : `field-organization-${value}`}">${label}</label>
</div>`;
}

async function signUpPage(request: Request, env: Env, state: SignUpState): Promise<Response> {
  const token = await csrfToken(request, env);
  const terms = await currentTerms(env.DB);
  const organizations = await activeOrganizations(env.DB);
  const v = state.values;
  const e = state.errors ?? {};
  const choice = v.organization === 'existing' || v.organization === 'new' ? v.organization : 'none';
  const field = (name: string, label: string, extra: Partial<Parameters<typeof textField>[0]> = {}) =>
    textField({ lang: LANG, name, label, value: v[name], error: e[name], ...extra });
  const body = html`<div class="form form-wide">
<h1>${t(LANG, 'signup.title')}</h1>
<p>${t(LANG, 'signup.intro')}</p>
${summary(e, state.general)}
<form method="post" action="/user/register" novalidate>
  ${csrfField(token)}
  <input type="hidden" name="terms_version" value="${terms?.version ?? ''}">
  <fieldset>
    <legend>${t(LANG, 'signup.section.account')}</legend>
    ${field('username', t(LANG, 'account.username.label'), { hint: t(LANG, 'account.username.hint'), required: true, autocomplete: 'username' })}
    ${field('first_name', t(LANG, 'profile.firstName'), { required: true, autocomplete: 'given-name' })}
    ${field('last_name', t(LANG, 'profile.lastName'), { required: true, autocomplete: 'family-name' })}
    ${field('email', t(LANG, 'account.email.label'), { type: 'email', hint: t(LANG, 'signup.email.hint'), required: true, autocomplete: 'email' })}
    ${field('password', t(LANG, 'account.password.label'), { type: 'password', hint: t(LANG, 'account.password.hint', { min: PASSWORD_MIN_LENGTH }), required: true, autocomplete: 'new-password' })}
    ${field('phone', t(LANG, 'profile.phone'), { type: 'tel', autocomplete: 'tel' })}
  </fieldset>
  <fieldset${e.organization ? html` class="field-invalid"` : ''}>
    <legend>${t(LANG, 'signup.section.organization')}</legend>
    <p class="field-hint">${t(LANG, 'signup.organization.hint')}</p>
    ${e.organization ? html`<p class="field-error" id="error-organization">${e.organization}</p>` : ''}
    ${organizationRadio('none', t(LANG, 'signup.organization.none'), choice === 'none', true, e.organization)}
    ${organizationRadio('existing', t(LANG, 'signup.organization.existing'), choice === 'existing', false, e.organization)}
    ${selectField({ lang: LANG, name: 'organization_id', label: t(LANG, 'signup.organization.select'), value: v.organization_id, error: e.organization_id,
      placeholder: t(LANG, 'signup.organization.placeholder'), choices: organizations.map((o) => ({ value: o.id, label: o.legal_name })) })}
    ${organizationRadio('new', t(LANG, 'signup.organization.new'), choice === 'new', false, e.organization)}
    <fieldset>
      <legend>${t(LANG, 'signup.section.newOrganization')}</legend>
      <p class="field-hint">${t(LANG, 'signup.org.hint')}</p>
      ${organizationFields(LANG, v, e, false)}
    </fieldset>
  </fieldset>
  <fieldset>
    <legend>${t(LANG, 'signup.section.roles')}</legend>
    <p class="field-hint">${t(LANG, 'signup.roles.hint')}</p>
    ${checkboxField({ name: 'contributor', label: t(LANG, 'signup.roles.contributor'), checked: v.contributor === 'on', hint: t(LANG, 'signup.roles.contributorHint') })}
    ${checkboxField({ name: 'referent', label: t(LANG, 'signup.roles.referent'), checked: v.referent === 'on', hint: t(LANG, 'signup.roles.referentHint') })}
  </fieldset>
  <fieldset>
    <legend>${t(LANG, 'signup.section.terms')}</legend>
    ${checkboxField({ name: 'terms', checked: v.terms === 'on', error: e.terms,
      label: html`${t(LANG, 'signup.terms.accept')} <a href="/page/conditions-utilisation">${t(LANG, 'signup.terms.link', { version: terms?.version ?? '' })}</a>` })}
  </fieldset>
  <div class="form-actions">
    <button type="submit" class="button">${t(LANG, 'signup.submit')}</button>
    <a href="/user/login">${t(LANG, 'signup.haveAccount')}</a>
  </div>
</form>
</div>`;
  return pageResponse(request, env, { title: t(LANG, 'signup.title'), body, status: state.status });
}

export async function registerFormHandler(request: IRequest, env: Env): Promise<Response> {
  const { actor } = await requestContext(request, env);
  if (actor.kind === 'user') return redirect(request, env, '/user');
  return signUpPage(request, env, { values: {} });
}

/** Files the organisation and role requests; on a refusal the field it concerns and its message. */
async function fileRequests(env: Env, user: { id: string; email: string }, input: SignUpInput):
  Promise<{ ok: true; organizationId: string | null } | { ok: false; field: string; result: Extract<FileResult, { ok: false }>; organizationId: string | null }> {
  if (input.organization === 'none') return { ok: true, organizationId: null };
  let organizationId = input.organizationId;
  if (input.organization === 'new') {
    const created = await fileOrganizationRequest(env, user, { ...input.newOrganization });
    if (!created.ok) return { ok: false, field: 'org_legal_name', result: created, organizationId: null };
    organizationId = created.organizationId!;
  }
  const filed = await fileRoleRequest(env, user, organizationId, input.roles);
  if (!filed.ok) {
    const field = input.organization === 'existing' && filed.problem === 'roles.organizationUnknown' ? 'organization_id' : 'organization';
    return { ok: false, field, result: filed, organizationId: input.organization === 'new' ? organizationId : null };
  }
  return { ok: true, organizationId };
}

export async function registerHandler(request: IRequest, env: Env): Promise<Response> {
  const form = await request.formData();
  const values = formValues(form);
  // A refused form comes back filled in, except the password.
  const kept = { ...values, password: '' };
  if (!csrfValid(request, form)) return signUpPage(request, env, { values: kept, general: t(LANG, 'auth.csrf'), status: 403 });

  const { input, problems } = signUpInput(values);
  const errors = formErrors(problems);
  const terms = await currentTerms(env.DB);
  if (!terms) throw new Error('no conditions d’utilisation in terms_versions');
  if (input.termsAccepted && values.terms_version !== terms.version) errors.terms = t(LANG, 'signup.terms.changed');
  if (!errors.username && (await usernameTaken(env.DB, input.username))) errors.username = t(LANG, 'signup.username.taken');
  if (!errors.email && (await emailTaken(env.DB, input.email))) errors.email = t(LANG, 'signup.email.taken');
  if (Object.keys(errors).length > 0) return signUpPage(request, env, { values: kept, errors, status: 400 });

  const id = crypto.randomUUID();
  const passwordHash = await hashPassword(input.password, scryptParams(env.PASSWORD_SCRYPT));
  try {
    await insertAccountStatement(env.DB, id, { ...input, passwordHash, termsVersion: terms.version }).run();
  } catch (error) {
    // Two sign-ups racing for the same name or address: the unique index decides, the form explains.
    if (!String(error).includes('UNIQUE')) throw error;
    const field = String(error).includes('users.username') ? 'username' : 'email';
    return signUpPage(request, env, { values: kept, errors: { [field]: t(LANG, field === 'username' ? 'signup.username.taken' : 'signup.email.taken') }, status: 400 });
  }

  const filed = await fileRequests(env, { id, email: input.email }, input);
  if (!filed.ok) {
    // Nothing is kept of a refused sign-up: the account goes, with its requests (ON DELETE CASCADE) and the
    // organisation it had just asked for.
    await env.DB.batch([
      ...(filed.organizationId ? [env.DB.prepare('DELETE FROM organizations WHERE id = ? AND is_active = 0').bind(filed.organizationId)] : []),
      env.DB.prepare('DELETE FROM users WHERE id = ?').bind(id),
    ]);
    return signUpPage(request, env, { values: kept, errors: { [filed.field]: t(LANG, filed.result.problem) }, status: 400 });
  }

  const link = newAccountToken(env.DB, id, 'confirm_email');
  await env.DB.batch([
    link.statement,
    auditStatement(env.DB, { kind: 'user', id, isAdmin: false, memberships: [] }, 'account.created', { type: 'user', id }, {
      username: input.username, organization: filed.organizationId, organizationRequested: input.organization === 'new', roles: input.roles,
    }),
  ]);
  await sendMails(env, [confirmAccountCreationMail(env, { username: input.username, first_name: input.firstName, email: input.email }, link.secret)]);
  return messagePage(request, env, {
    title: t(LANG, 'signup.done.title'),
    body: html`<p class="success" role="status">${t(LANG, 'signup.done.body', { email: input.email })}</p>
<p>${t(LANG, 'signup.done.noMail')} <a href="/user/confirm/resend">${t(LANG, 'confirm.resend.link')}</a></p>`,
  });
}
