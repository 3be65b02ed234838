// The fields of an organisation creation request, shared by the sign-up form and "Mes organisations".
import { ORGANIZATION_TYPES } from '../../domain/vocabulary';
import { organizationTypeLabel, t, type Lang } from '../../i18n';
import { html, type Html } from '../../render/html';
import { selectField, textField, type FieldErrors, type FieldOptions } from '../../render/forms';

export function organizationFields(lang: Lang, values: Record<string, string>, errors: FieldErrors, legalNameRequired = true): Html {
  const field = (name: string, label: string, extra: Partial<FieldOptions> = {}) =>
    textField({ lang, name, label, value: values[name], error: errors[name], ...extra });
  return html`${field('org_legal_name', t(lang, 'signup.org.legalName'), { hint: t(lang, 'signup.org.legalNameHint'), required: legalNameRequired, autocomplete: 'organization' })}
${selectField({ lang, name: 'org_type', label: t(lang, 'signup.org.type'), value: values.org_type, error: errors.org_type, required: legalNameRequired,
    placeholder: t(lang, 'signup.org.typePlaceholder'), choices: ORGANIZATION_TYPES.map((code) => ({ value: code, label: organizationTypeLabel(lang, code) })) })}
${field('org_description', t(lang, 'signup.org.description'), { multiline: true, hint: t(lang, 'signup.org.descriptionHint') })}
${field('org_website', t(lang, 'signup.org.website'), { type: 'url', hint: t(lang, 'signup.org.websiteHint') })}
${field('org_email', t(lang, 'signup.org.email'), { type: 'email' })}
${field('org_phone', t(lang, 'signup.org.phone'), { type: 'tel' })}
${field('org_address', t(lang, 'signup.org.address'), { autocomplete: 'street-address' })}
${field('org_postcode', t(lang, 'signup.org.postcode'), { attributes: html`inputmode="numeric"`, autocomplete: 'postal-code' })}
${field('org_city', t(lang, 'signup.org.city'), { autocomplete: 'address-level2' })}
${field('org_email_domains', t(lang, 'signup.org.emailDomains'), { hint: t(lang, 'signup.org.emailDomainsHint') })}`;
}
