import { describe, expect, it } from 'vitest';
import { isWebmailDomain, webmailPatterns, webmailRuleAllows } from '../../worker/src/domain/email-domains';

const DEFAULT = webmailPatterns(undefined);
const MONTPELLIER = ['montpellier.fr', 'montpellier3m.fr'];

describe('personal e-mail rule', () => {
  it('recognises webmail providers, wildcards included', () => {
    for (const domain of ['gmail.com', 'yahoo.fr', 'yahoo.co.uk', 'hotmail.fr', 'outlook.com', 'live.fr', 'orange.fr', 'free.fr', 'laposte.net', 'wanadoo.fr', 'sfr.fr']) {
      expect(isWebmailDomain(domain, DEFAULT), domain).toBe(true);
    }
    for (const domain of ['montpellier.fr', 'herault.fr', 'laregion.fr', 'evil.example']) {
      expect(isWebmailDomain(domain, DEFAULT), domain).toBe(false);
    }
  });

  it('refuses a gmail user in a municipality, allows its agents and sub-domains, and any non-webmail address', () => {
    expect(webmailRuleAllows('gmail.com', MONTPELLIER, DEFAULT)).toBe(false);
    expect(webmailRuleAllows('montpellier.fr', MONTPELLIER, DEFAULT)).toBe(true);
    expect(webmailRuleAllows('sig.montpellier3m.fr', MONTPELLIER, DEFAULT)).toBe(true);
    expect(webmailRuleAllows('bureau-etudes.example', MONTPELLIER, DEFAULT)).toBe(true);
  });

  it('lets an administrator exception through, and an organisation whose own domain is a webmail one', () => {
    expect(webmailRuleAllows('gmail.com', MONTPELLIER, DEFAULT, true)).toBe(true);
    expect(webmailRuleAllows('orange.fr', ['orange.fr'], DEFAULT)).toBe(true);
  });

  it('reads a configured list instead of the built-in one', () => {
    const custom = webmailPatterns('example.net, mail.*');
    expect(isWebmailDomain('example.net', custom)).toBe(true);
    expect(isWebmailDomain('mail.fr', custom)).toBe(true);
    expect(isWebmailDomain('gmail.com', custom)).toBe(false);
  });
});
