// One message table for the whole portal (static site, Worker pages, mails): t() for strings, tn() for plurals,
// and labels for the controlled vocabularies. French is the source of truth; English is typed against it.
import type {
  AccessLevel, DataType, Geocover, Granularity, OrganizationType, ResourceType, ShowcaseType, SourceMode,
  UpdateFrequency,
} from '../domain/vocabulary';
import * as account from './account';
import * as admin from './admin';
import * as auth from './auth';
import * as ckan from './ckan';
import * as ckanWrite from './ckan-write';
import * as datastore from './datastore';
import { en } from './en';
import { fr } from './fr';
import * as participation from './participation';
import * as publishDatasets from './publish-datasets';
import * as publishResources from './publish-resources';
import * as roles from './roles';
import * as sftp from './sftp';
import * as ogc from './ogc';
import * as styles from './styles';

export type Lang = 'fr' | 'en';
export type Params = Record<string, string | number>;

// Each surface keeps its strings in its own module (`{ fr, en }`, English typed against French); merged here.
const frTable = { ...fr, ...auth.fr, ...roles.fr, ...admin.fr, ...ckan.fr, ...ckanWrite.fr, ...publishDatasets.fr, ...sftp.fr, ...account.fr, ...datastore.fr, ...publishResources.fr, ...participation.fr, ...ogc.fr, ...styles.fr };
export type MessageKey = keyof typeof frTable;
export const TABLES: Record<Lang, Record<MessageKey, string>> = { fr: frTable, en: { ...en, ...auth.en, ...roles.en, ...admin.en, ...ckan.en, ...ckanWrite.en, ...publishDatasets.en, ...sftp.en, ...account.en, ...datastore.en, ...publishResources.en, ...participation.en, ...ogc.en, ...styles.en } };
export const LOCALES: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };

// Formatters are costly to build and pages are rendered by the thousand: build each one once.
const numberFormats = new Map<Lang, Intl.NumberFormat>();
const pluralRules = new Map<Lang, Intl.PluralRules>();

export function formatNumber(lang: Lang, n: number): string {
  let nf = numberFormats.get(lang);
  if (!nf) numberFormats.set(lang, (nf = new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 1 })));
  return nf.format(n);
}

/** Fills `{name}` placeholders; numbers are formatted for the language (e.g. 12 345 in French). */
export function format(lang: Lang, template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(lang, value) : value;
  });
}

export function t(lang: Lang, key: MessageKey, params?: Params): string {
  return format(lang, TABLES[lang][key], params);
}

/** Bases `x` for which both `x.one` and `x.other` exist. */
export type PluralKey = {
  [K in MessageKey]: K extends `${infer Base}.one` ? (`${Base}.other` extends MessageKey ? Base : never) : never;
}[MessageKey];

/** Plural form for `count` (French: 0 and 1 are singular); `{count}` is available to the template. */
export function tn(lang: Lang, key: PluralKey, count: number, params?: Params): string {
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(LOCALES[lang])));
  const form = rules.select(count) === 'one' ? 'one' : 'other';
  return t(lang, `${key}.${form}`, { count, ...params });
}

// Vocabulary labels: the template literal types make a code without a label a compile error.
export const frequencyLabel = (lang: Lang, code: UpdateFrequency) => t(lang, `frequency.${code}`);
export const granularityLabel = (lang: Lang, code: Granularity) => t(lang, `granularity.${code}`);
export const geocoverLabel = (lang: Lang, code: Geocover) => t(lang, `geocover.${code}`);
export const dataTypeLabel = (lang: Lang, code: DataType) => t(lang, `dataType.${code}`);
export const accessLevelLabel = (lang: Lang, code: AccessLevel) => t(lang, `accessLevel.${code}`);
export const resourceTypeLabel = (lang: Lang, code: ResourceType) => t(lang, `resourceType.${code}`);
export const sourceModeLabel = (lang: Lang, code: SourceMode) => t(lang, `sourceMode.${code}`);
export const showcaseTypeLabel = (lang: Lang, code: ShowcaseType) => t(lang, `showcaseType.${code}`);
export const organizationTypeLabel = (lang: Lang, code: OrganizationType) => t(lang, `orgType.${code}`);
