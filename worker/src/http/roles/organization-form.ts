// The fields of an organisation creation request, shared by the sign-up form and "Mes organisations".
import { parseEmailDomains } from '../../domain/email-domains';
import { ORGANIZATION_TYPES, type OrganizationType } from '../../domain/vocabulary';
import { organizationTypeLabel, t, type Lang } from '../../i18n';
import { html, type Html } from '../../render/html';
import { selectField, textField, type FieldErrors } from '../../render/forms';
import type { NewOrganization } from '../../store/role-requests';

export function organizationFields(lang: Lang, values: Record<string, string>, errors: FieldErrors): Html {
  const field = (name: string, label: string, extra: { type?: 'text' | 'email' | 'url' | 'tel'; required?: boolean; hint?: string; multiline?: boolean; autocomplete?: string } = {}) =>
    textField({ lang, name, label, value: values[name], error: errors[name], ...extra });
  return html`${field('org_legal_name', t(lang, 'roles.org.legalName'), { required: true, hint: t(lang, 'roles.org.legalNameHint'), autocomplete: 'organization' })}
${selectField({ lang, name: 'org_type', label: t(lang, 'roles.org.type'), value: values.org_type, error: errors.org_type, required: true,
    choices: ORGANIZATION_TYPES.map((code) => ({ value: code, label: organizationTypeLabel(lang, code) })) })}
${field('org_description', t(lang, 'roles.org.description'), { multiline: true, hint: t(lang, 'roles.org.descriptionHint') })}
${field('org_domains', t(lang, 'roles.org.domains'), { hint: t(lang, 'roles.org.domainsHint') })}
${field('org_website', t(lang, 'roles.org.website'), { type: 'url', autocomplete: 'url' })}
${field('org_email', t(lang, 'roles.org.email'), { type: 'email' })}
${field('org_phone', t(lang, 'roles.org.phone'), { type: 'tel' })}
${field('org_address', t(lang, 'roles.org.address'), { autocomplete: 'street-address' })}
${field('org_postcode', t(lang, 'roles.org.postcode'), { autocomplete: 'postal-code' })}
${field('org_city', t(lang, 'roles.org.city'), { autocomplete: 'address-level2' })}`;
}

/** Reads the fields above; `problems` maps field names to message keys for what is missing or malformed. */
export function readOrganization(values: Record<string, string>): { organization: NewOrganization; problems: Record<string, 'roles.legalNameRequired' | 'roles.org.typeInvalid' | 'roles.org.domainsInvalid'> } {
  const problems: Record<string, 'roles.legalNameRequired' | 'roles.org.typeInvalid' | 'roles.org.domainsInvalid'> = {};
  const legalName = (values.org_legal_name ?? '').trim();
  if (!legalName) problems.org_legal_name = 'roles.legalNameRequired';
  const orgType = values.org_type as OrganizationType;
  if (!ORGANIZATION_TYPES.includes(orgType)) problems.org_type = 'roles.org.typeInvalid';
  const { domains, invalid, tooMany } = parseEmailDomains(values.org_domains ?? '');
  if (invalid || tooMany) problems.org_domains = 'roles.org.domainsInvalid';
  const text = (name: string) => (values[name] ?? '').trim();
  return {
    organization: {
      legalName, orgType, description: text('org_description'), website: text('org_website'), email: text('org_email'),
      phone: text('org_phone'), address: text('org_address'), postcode: text('org_postcode'), city: text('org_city'), emailDomains: domains,
    },
    problems,
  };
}
