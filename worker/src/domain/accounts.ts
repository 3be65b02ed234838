// Rules of account fields, independent of storage: what a valid username, e-mail and password are.
// Each check answers with an i18n message key so forms and the API explain the refusal the same way.
import { dictionary } from '@zxcvbn-ts/language-common';
import type { MessageKey } from '../i18n';

export const USERNAME_PATTERN = /^[-a-z0-9_]{3,100}$/;
// Length is the only composition rule (NIST SP 800-63B); the upper bound keeps scrypt's input reasonable.
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
// Deliberately loose: the confirmation mail is the real check of an address.
const EMAIL_PATTERN = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]{2,}$/;

const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  (dictionary as Record<string, string[]>)['passwords-common']!.map((p) => p.toLowerCase()),
);

export function usernameProblem(username: string): MessageKey | null {
  if (username.length < 3 || username.length > 100) return 'account.username.length';
  if (!USERNAME_PATTERN.test(username)) return 'account.username.pattern';
  return null;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function emailProblem(email: string): MessageKey | null {
  if (email.length > 254 || !EMAIL_PATTERN.test(email)) return 'account.email.invalid';
  return null;
}

export function emailDomain(email: string): string {
  return normalizeEmail(email).split('@').pop() ?? '';
}

/** `related` are the user's own identifiers, which make a guessable password. */
export function passwordProblem(password: string, related: readonly string[] = []): MessageKey | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'account.password.tooShort';
  if (length > PASSWORD_MAX_LENGTH) return 'account.password.tooLong';
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered) || new Set(lowered).size < 4) return 'account.password.common';
  if (related.some((value) => value.length >= 3 && lowered.includes(value.toLowerCase()))) return 'account.password.personal';
  return null;
}

export const PHONE_PATTERN = /^\+?[0-9 .-]{6,20}$/;
