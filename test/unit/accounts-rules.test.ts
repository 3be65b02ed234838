import { describe, expect, it } from 'vitest';
import { emailProblem, passwordProblem, usernameProblem } from '../../worker/src/domain/accounts';
import { hashPassword, needsRehash, PASSWORD_PARAMS, scryptParams, verifyPassword } from '../../worker/src/domain/password-hash';

describe('account field rules', () => {
  it('accepts usernames of lowercase ASCII, digits, - and _, from 3 to 100 characters', () => {
    expect(usernameProblem('jean-dupont_34')).toBeNull();
    expect(usernameProblem('ab')).toBe('account.username.length');
    expect(usernameProblem('a'.repeat(101))).toBe('account.username.length');
    expect(usernameProblem('Jean')).toBe('account.username.pattern');
    expect(usernameProblem('jérôme')).toBe('account.username.pattern');
    expect(usernameProblem('jean dupont')).toBe('account.username.pattern');
  });

  it('refuses malformed e-mail addresses', () => {
    expect(emailProblem('agent@herault.fr')).toBeNull();
    for (const bad of ['agent', 'agent@', '@herault.fr', 'agent@herault', 'a b@herault.fr', 'agent@@herault.fr']) {
      expect(emailProblem(bad), bad).toBe('account.email.invalid');
    }
  });

  it('judges passwords by length and commonness, not by composition', () => {
    expect(passwordProblem('courte')).toBe('account.password.tooShort');
    expect(passwordProblem('tout en minuscules sans chiffre')).toBeNull();
    expect(passwordProblem('password1234')).toBe('account.password.common');
    expect(passwordProblem('aaaaaaaaaaaaaaaa')).toBe('account.password.common');
    expect(passwordProblem('x'.repeat(257))).toBe('account.password.tooLong');
    expect(passwordProblem('camille-martin-2026', ['camille-martin', 'camille@herault.fr'])).toBe('account.password.personal');
  });
});

describe('password hashing', () => {
  it('hashes with a random salt, verifies the right password only, and records its parameters', async () => {
    const params = scryptParams('ln=10,r=8,p=1');
    const first = await hashPassword('une phrase de passe', params);
    const second = await hashPassword('une phrase de passe', params);
    expect(first).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword('une phrase de passe', first)).toBe(true);
    expect(await verifyPassword('une phrase de passE', first)).toBe(false);
    expect(await verifyPassword('une phrase de passe', 'not a hash')).toBe(false);
    expect(needsRehash(first)).toBe(true);
    expect(needsRehash(first, params)).toBe(false);
  });

  it('uses the production parameters unless configured, and ignores a malformed setting', () => {
    expect(scryptParams(undefined)).toEqual(PASSWORD_PARAMS);
    expect(scryptParams('ln=abc')).toEqual(PASSWORD_PARAMS);
    expect(PASSWORD_PARAMS).toEqual({ logN: 14, r: 8, p: 5 });
  });
});
