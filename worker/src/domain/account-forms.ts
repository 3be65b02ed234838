// What the account forms accept (sign-up, profile, API token), as pure functions of the submitted values: each
// refused field gets an i18n message key, so the form can say exactly what to fix. Uniqueness needs the database
// and is checked by the handlers.
import {
  emailProblem, normalizeEmail, passwordProblem, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PHONE_PATTERN, usernameProblem,
} from './accounts';
import type { RequestKind } from './role-requests';
import { organizationRequestInput, type NewOrganization } from './organization-request';

export type { Problem, Problems } from './organization-request';
import type { Problem, Problems } from './organization-request';

export const NAME_MAX_LENGTH = 150;

/** Password rule with the figures its messages quote. */
export function passwordFieldProblem(password: string, related: readonly string[]): Problem | null {
  const key = passwordProblem(password, related);
  return key ? { key, params: { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH } } : null;
}

function nameProblem(value: string): Problem | null {
  if (!value) return 'form.required';
  if (value.length > NAME_MAX_LENGTH) return { key: 'signup.name.tooLong', params: { max: NAME_MAX_LENGTH } };
  return null;
}

/** Empty is allowed (the phone is optional); otherwise digits, spaces, dots, dashes and a leading +. */
export function phoneProblem(phone: string): Problem | null {
  return phone && !PHONE_PATTERN.test(phone) ? 'account.phone.invalid' : null;
}

export interface ProfileInput {
  firstName: string;
  lastName: string;
  phone: string | null;
}

export function profileInput(values: Record<string, string>): { input: ProfileInput; problems: Problems } {
  const input: ProfileInput = {
    firstName: (values.first_name ?? '').trim(),
    lastName: (values.last_name ?? '').trim(),
    phone: (values.phone ?? '').trim() || null,
  };
  const problems: Problems = {};
  const first = nameProblem(input.firstName);
  if (first) problems.first_name = first;
  const last = nameProblem(input.lastName);
  if (last) problems.last_name = last;
  const phone = phoneProblem(input.phone ?? '');
  if (phone) problems.phone = phone;
  return { input, problems };
}

export type OrganizationChoice = 'none' | 'existing' | 'new';

export interface SignUpInput extends ProfileInput {
  username: string;
  email: string;
  password: string;
  organization: OrganizationChoice;
  organizationId: string;
  newOrganization: NewOrganization;
  /** Always 'member', plus the roles ticked. */
  roles: Array<Exclude<RequestKind, 'organization'>>;
  termsAccepted: boolean;
}

export function signUpInput(values: Record<string, string>): { input: SignUpInput; problems: Problems } {
  const profile = profileInput(values);
  const choice = values.organization;
  const requested = organizationRequestInput(values);
  const input: SignUpInput = {
    ...profile.input,
    username: (values.username ?? '').trim(),
    email: normalizeEmail(values.email ?? ''),
    password: values.password ?? '',
    organization: choice === 'existing' || choice === 'new' ? choice : 'none',
    organizationId: (values.organization_id ?? '').trim(),
    newOrganization: requested.organization,
    roles: [
      'member',
      ...(values.contributor === 'on' ? ['contributor' as const] : []),
      ...(values.referent === 'on' ? ['referent' as const] : []),
    ],
    termsAccepted: values.terms === 'on',
  };
  const problems: Problems = { ...profile.problems };
  const username = usernameProblem(input.username);
  if (username) problems.username = username;
  const email = emailProblem(input.email);
  if (email) problems.email = email;
  const password = passwordFieldProblem(input.password, [input.username, input.email.split('@')[0] ?? '']);
  if (password) problems.password = password;

  if (input.organization === 'existing' && !input.organizationId) problems.organization_id = 'signup.organization.choose';
  if (input.organization === 'none' && input.roles.length > 1) problems.organization = 'signup.roles.needOrganization';
  if (input.organization === 'new') Object.assign(problems, requested.problems);
  if (!input.termsAccepted) problems.terms = 'signup.terms.required';
  return { input, problems };
}

export interface ApiTokenInput {
  name: string;
  scope: 'read' | 'read_write';
  /** End of the chosen day (UTC), or null for a token that does not expire. */
  expiresAt: string | null;
}

export function apiTokenInput(values: Record<string, string>, now = new Date()): { input: ApiTokenInput; problems: Problems } {
  const name = (values.name ?? '').trim();
  const expiry = (values.expires_on ?? '').trim();
  const problems: Problems = {};
  if (!name) problems.name = 'form.required';
  else if (name.length > 100) problems.name = { key: 'tokens.name.tooLong', params: { max: 100 } };
  if (values.scope !== 'read' && values.scope !== 'read_write') problems.scope = 'tokens.scope.required';
  let expiresAt: string | null = null;
  if (expiry) {
    const date = /^\d{4}-\d{2}-\d{2}$/.test(expiry) ? new Date(`${expiry}T23:59:59.999Z`) : null;
    if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== expiry) problems.expires_on = 'tokens.expiry.invalid';
    else if (date <= now) problems.expires_on = 'tokens.expiry.past';
    else expiresAt = date.toISOString();
  }
  return { input: { name, scope: values.scope === 'read' ? 'read' : 'read_write', expiresAt }, problems };
}
