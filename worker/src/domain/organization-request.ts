// What a request for a new organisation accepts (sign-up and "Mes organisations" share it): the raison sociale is
// required, every other IDGO field optional but checked when given.
import type { MessageKey } from '../i18n';
import { emailProblem, normalizeEmail, PHONE_PATTERN } from './accounts';
import { MAX_ORGANIZATION_DOMAINS, parseEmailDomains } from './email-domains';
import { ORGANIZATION_TYPES, type OrganizationType } from './vocabulary';

export type Problem = MessageKey | { key: MessageKey; params: Record<string, string | number> };
export type Problems = Record<string, Problem>;

export const LEGAL_NAME_MAX_LENGTH = 100;
export const DESCRIPTION_MAX_LENGTH = 5000;
const POSTCODE_PATTERN = /^[0-9]{5}$/;

export interface NewOrganization {
  legalName: string;
  orgType: OrganizationType;
  description: string;
  website: string;
  email: string;
  phone: string;
  address: string;
  postcode: string;
  city: string;
  emailDomains: string[];
}

/** Reads the `org_*` form fields; `problems` is keyed by field name. */
export function organizationRequestInput(values: Record<string, string>): { organization: NewOrganization; problems: Problems } {
  const orgType = values.org_type ?? '';
  const domains = parseEmailDomains(values.org_email_domains ?? '');
  const organization: NewOrganization = {
    legalName: (values.org_legal_name ?? '').trim().replace(/\s+/g, ' '),
    orgType: (ORGANIZATION_TYPES as readonly string[]).includes(orgType) ? (orgType as OrganizationType) : 'autre',
    description: (values.org_description ?? '').trim(),
    website: (values.org_website ?? '').trim(),
    email: normalizeEmail(values.org_email ?? ''),
    phone: (values.org_phone ?? '').trim(),
    address: (values.org_address ?? '').trim(),
    postcode: (values.org_postcode ?? '').trim(),
    city: (values.org_city ?? '').trim(),
    emailDomains: domains.domains,
  };
  const problems: Problems = {};
  if (!organization.legalName) problems.org_legal_name = 'roles.legalNameRequired';
  else if (organization.legalName.length > LEGAL_NAME_MAX_LENGTH) problems.org_legal_name = { key: 'signup.org.legalNameTooLong', params: { max: LEGAL_NAME_MAX_LENGTH } };
  if (!(ORGANIZATION_TYPES as readonly string[]).includes(orgType)) problems.org_type = 'signup.org.typeRequired';
  if (organization.website && !/^https?:\/\/[^\s/]+\.[^\s]+$/.test(organization.website)) problems.org_website = 'signup.org.websiteInvalid';
  if (organization.email && emailProblem(organization.email)) problems.org_email = 'account.email.invalid';
  if (organization.phone && !PHONE_PATTERN.test(organization.phone)) problems.org_phone = 'account.phone.invalid';
  if (organization.postcode && !POSTCODE_PATTERN.test(organization.postcode)) problems.org_postcode = 'signup.org.postcodeInvalid';
  if (domains.invalid) problems.org_email_domains = { key: 'signup.org.domainInvalid', params: { domain: domains.invalid } };
  else if (domains.tooMany) problems.org_email_domains = { key: 'admin.organizations.tooManyDomains', params: { max: MAX_ORGANIZATION_DOMAINS } };
  if (organization.description.length > DESCRIPTION_MAX_LENGTH) {
    problems.org_description = { key: 'signup.org.descriptionTooLong', params: { max: DESCRIPTION_MAX_LENGTH } };
  }
  return { organization, problems };
}
