// Rules of the participation forms (issue 5): free-text limits, the honeypot, the digest hour. Pure: no bindings.
import type { MessageKey } from '../i18n';

export const TEXT_LIMITS = {
  reason: { min: 10, max: 2000 },
  message: { min: 10, max: 5000 },
  title: { min: 3, max: 200 },
  name: { min: 2, max: 120 },
} as const;

export type TextKind = keyof typeof TEXT_LIMITS;

/**
 * A free-text field trimmed, or the key of the French message saying what is wrong. The text is stored as typed and
 * always escaped when shown (pages and plain-text mails): nothing is stripped, nothing is interpreted.
 */
export function checkText(value: string | undefined, kind: TextKind, required = true): { value: string } | { error: MessageKey } {
  const text = (value ?? '').replace(/\r\n?/g, '\n').trim();
  const { min, max } = TEXT_LIMITS[kind];
  if (text === '') return required ? { error: `participation.error.${kind}.required` } : { value: '' };
  if (text.length < min) return { error: `participation.error.${kind}.short` };
  if (text.length > max) return { error: `participation.error.${kind}.long` };
  return { value: text };
}

const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

export function checkEmail(value: string | undefined): { value: string } | { error: MessageKey } {
  const email = (value ?? '').trim();
  if (email === '') return { error: 'participation.error.email.required' };
  if (email.length > 254 || !EMAIL.test(email)) return { error: 'participation.error.email.invalid' };
  return { value: email };
}

/** The field people never see (hidden by CSS, labelled "leave empty"): robots filling every field give themselves away. */
export const HONEYPOT_FIELD = 'website';

export const filledHoneypot = (values: Record<string, string>): boolean => (values[HONEYPOT_FIELD] ?? '').trim() !== '';

/** Hour (Europe/Paris) at which the daily digest leaves, on the hourly trigger. */
export const DIGEST_HOUR_PARIS = 7;

export function parisHour(now: Date): number {
  return Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Paris' }).format(now));
}

export const isDigestHour = (now: Date): boolean => parisHour(now) === DIGEST_HOUR_PARIS;

export type SubscriptionTarget = 'dataset' | 'organization' | 'theme';
export const SUBSCRIPTION_TARGETS: readonly SubscriptionTarget[] = ['dataset', 'organization', 'theme'];
export type SubscriptionFrequency = 'immediate' | 'daily';
export const isTarget = (value: unknown): value is SubscriptionTarget => SUBSCRIPTION_TARGETS.includes(value as SubscriptionTarget);
export const isFrequency = (value: unknown): value is SubscriptionFrequency => value === 'immediate' || value === 'daily';

export type FollowEvent = 'appeared' | 'changed' | 'resource_added';
