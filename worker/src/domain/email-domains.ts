// The personal e-mail rule (OPenIG's policy, enforced here in code): an address at a webmail provider that does
// not match one of the organisation's own domains cannot join, contribute to or become référent of it, unless an
// administrator granted an exception.

/** Default list; `*` stands for any top-level domain (yahoo.fr, yahoo.com…). Configurable with WEBMAIL_DOMAINS. */
export const DEFAULT_WEBMAIL_DOMAINS = [
  'gmail.com', 'googlemail.com', 'yahoo.*', 'ymail.com', 'hotmail.*', 'outlook.*', 'live.*', 'msn.com', 'icloud.com',
  'me.com', 'aol.com', 'protonmail.com', 'proton.me', 'gmx.*', 'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net',
  'sfr.fr', 'neuf.fr', 'bbox.fr', 'numericable.fr', 'club-internet.fr', 'aliceadsl.fr', 'yandex.*', 'mail.com',
] as const;

export function webmailPatterns(setting: string | undefined): string[] {
  const custom = setting?.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean);
  return custom && custom.length > 0 ? custom : [...DEFAULT_WEBMAIL_DOMAINS];
}

function matches(domain: string, pattern: string): boolean {
  // 'yahoo.*' covers yahoo.fr, yahoo.com, yahoo.co.uk; over-matching a look-alike only makes the rule stricter.
  if (pattern.endsWith('.*')) return domain.startsWith(pattern.slice(0, -1));
  return domain === pattern;
}

export function isWebmailDomain(domain: string, patterns: readonly string[]): boolean {
  const lowered = domain.toLowerCase();
  return patterns.some((pattern) => matches(lowered, pattern));
}

/** An organisation's domain matches the address's domain or one of its parents (agents@sig.herault.fr ↔ herault.fr). */
export function matchesOrganizationDomain(domain: string, organizationDomains: readonly string[]): boolean {
  const lowered = domain.toLowerCase();
  return organizationDomains.some((d) => {
    const own = d.toLowerCase().replace(/^@/, '');
    return lowered === own || lowered.endsWith(`.${own}`);
  });
}

/**
 * May an address at `domain` hold a role in an organisation with these domains? `exception` is an administrator's
 * audited exception for this user and organisation.
 */
export function webmailRuleAllows(domain: string, organizationDomains: readonly string[], patterns: readonly string[], exception = false): boolean {
  if (exception) return true;
  if (!isWebmailDomain(domain, patterns)) return true;
  return matchesOrganizationDomain(domain, organizationDomains);
}

export const MAX_ORGANIZATION_DOMAINS = 20;
// A registrable host name: labels of letters, digits and inner hyphens, and an alphabetic top-level domain.
const DOMAIN_PATTERN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** An organisation's domains as typed (commas, spaces or lines; a leading @ tolerated), normalised and deduplicated. */
export function parseEmailDomains(text: string): { domains: string[]; invalid: string | null; tooMany: boolean } {
  const domains = [...new Set(text.split(/[\s,;]+/).map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean))];
  return {
    domains,
    invalid: domains.find((domain) => !DOMAIN_PATTERN.test(domain)) ?? null,
    tooMany: domains.length > MAX_ORGANIZATION_DOMAINS,
  };
}
