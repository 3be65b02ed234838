// Dates as French readers expect them, shared by the static site and the Worker's pages.
import { LOCALES, type Lang } from '../i18n';

const dateFormats = new Map<Lang, Intl.DateTimeFormat>();
const dateTimeFormats = new Map<Lang, Intl.DateTimeFormat>();
// The same few thousand days come back on every page: format each once.
const formattedDates = new Map<string, string>();

/** "8 août 2019", "1er mars 2020" from an ISO date or timestamp (calendar dates: read in UTC). */
export function formatDate(lang: Lang, iso: string): string {
  const day = iso.slice(0, 10);
  const key = `${lang}${day}`;
  let text = formattedDates.get(key);
  if (text !== undefined) return text;
  let df = dateFormats.get(lang);
  if (!df) {
    df = new Intl.DateTimeFormat(LOCALES[lang], { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    dateFormats.set(lang, df);
  }
  const time = Date.parse(day);
  text = Number.isNaN(time) ? iso : df.format(time);
  if (lang === 'fr') text = text.replace(/^1 /, '1er ');
  formattedDates.set(key, text);
  return text;
}

/** "28 novembre 2026 à 17:30" (Paris time) for events such as requests and audit entries. */
export function formatDateTime(lang: Lang, iso: string): string {
  let df = dateTimeFormats.get(lang);
  if (!df) {
    df = new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });
    dateTimeFormats.set(lang, df);
  }
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : df.format(time);
}
