// The catalogue import file (content/demo/catalogue.json, `npm run catalogue -- import`): validated here
// before anything is written. Ids are required so a re-import updates in place.
import { z } from 'zod';
import {
  ACCESS_LEVELS, DATA_TYPES, GEOCOVERS, GRANULARITIES, ORGANIZATION_TYPES, RESOURCE_TYPES, SHOWCASE_TYPES,
  SOURCE_MODES, SYNC_FREQUENCIES, UPDATE_FREQUENCIES, FORMATS,
} from './vocabulary';
import { t, type MessageKey } from '../i18n';

// Messages are for the people who prepare catalogue files: French, from the portal's message table.
const LANG = 'fr';
const m = (key: MessageKey) => t(LANG, key);

const uuid = z.uuid({ error: m('import.uuid') });
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, { error: m('import.slug') });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: m('import.date') });
const text = (max: number) => z.string().max(max, { error: t(LANG, 'import.tooLong', { max }) });
const optionalText = (max: number) => text(max).nullish();
const filePath = z.string().regex(/^[A-Za-z0-9._\/-]+$/, { error: m('import.filePath') })
  .refine((p) => !p.split('/').includes('..') && !p.startsWith('/'), { error: m('import.filePathOutside') });
const httpUrl = z.url({ protocol: /^https?$/, error: m('import.url') });
const formatCode = z.string().refine((c) => FORMATS.some((f) => f.code === c), { error: m('import.format') });

export const importOrganization = z.object({
  id: uuid,
  slug,
  legalName: text(100).min(1, { error: m('import.legalNameRequired') }),
  orgType: z.enum(ORGANIZATION_TYPES),
  description: text(20000).default(''),
  logo: filePath.nullish(),
  website: httpUrl.nullish(),
  email: z.email({ error: m('import.email') }).nullish(),
  phone: optionalText(30),
  address: optionalText(300),
  postcode: optionalText(10),
  city: optionalText(100),
  territoryCode: optionalText(40),
  territoryName: optionalText(200),
  emailDomains: z.array(text(100)).default([]),
});

export const importResource = z.object({
  id: uuid,
  title: text(300).min(1, { error: m('import.resourceTitleRequired') }),
  description: text(20000).default(''),
  format: formatCode,
  resourceType: z.enum(RESOURCE_TYPES).default('raw'),
  sourceMode: z.enum(SOURCE_MODES),
  url: httpUrl.nullish(),
  file: filePath.nullish(),
  accessLevel: z.enum(ACCESS_LEVELS).default('public'),
  allowedOrganizations: z.array(slug).default([]),
  syncFrequency: z.enum(SYNC_FREQUENCIES).default('never'),
  downloadCount: z.number().int().min(0).default(0),
}).superRefine((r, ctx) => {
  if (r.sourceMode === 'url_reference' && !r.url) ctx.addIssue({ code: 'custom', message: m('import.referenceUrlRequired'), path: ['url'] });
  if ((r.sourceMode === 'upload' || r.sourceMode === 'sftp') && !r.file) ctx.addIssue({ code: 'custom', message: m('import.fileRequired'), path: ['file'] });
  if (r.sourceMode === 'url_download' && !r.url) ctx.addIssue({ code: 'custom', message: m('import.downloadUrlRequired'), path: ['url'] });
});

export const importDataset = z.object({
  id: uuid,
  slug,
  title: text(300).min(1, { error: m('import.titleRequired') }),
  description: text(100000).min(1, { error: m('import.descriptionRequired') }),
  organization: slug,
  licence: z.string().min(1),
  updateFrequency: z.enum(UPDATE_FREQUENCIES).default('never'),
  granularity: z.enum(GRANULARITIES).default('undefined'),
  geocover: z.enum(GEOCOVERS).default('computed'),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullish(),
  territoryCode: optionalText(40),
  territoryName: optionalText(200),
  temporalStart: isoDate.nullish(),
  temporalEnd: isoDate.nullish(),
  dataTypes: z.array(z.enum(DATA_TYPES)).default([]),
  themes: z.array(slug).default([]),
  tags: z.array(text(100).min(2, { error: m('import.tagTooShort') })).default([]),
  ownerName: optionalText(200),
  ownerEmail: z.email().nullish(),
  broadcasterName: optionalText(200),
  broadcasterEmail: z.email().nullish(),
  dateCreated: isoDate,
  dateModified: isoDate,
  datePublished: isoDate,
  published: z.boolean().default(true),
  resources: z.array(importResource).default([]),
});

export const importShowcase = z.object({
  id: uuid,
  slug,
  title: text(300).min(1),
  description: text(20000).default(''),
  url: httpUrl.nullish(),
  image: filePath.nullish(),
  showcaseType: z.enum(SHOWCASE_TYPES).default('application'),
  authorName: optionalText(200),
  datasets: z.array(slug).default([]),
  published: z.boolean().default(true),
});

export const catalogueImport = z.object({
  organizations: z.array(importOrganization).default([]),
  datasets: z.array(importDataset).default([]),
  showcases: z.array(importShowcase).default([]),
});

export type CatalogueImport = z.infer<typeof catalogueImport>;
export type ImportDataset = z.infer<typeof importDataset>;
export type ImportResource = z.infer<typeof importResource>;
export type ImportOrganization = z.infer<typeof importOrganization>;
export type ImportShowcase = z.infer<typeof importShowcase>;

/** What an accepted import reports back (the Worker's answer, the CLI's summary). */
export interface ImportResult {
  changeId: number;
  organizations: number;
  datasets: number;
  resources: number;
  showcases: number;
  filesStored: number;
}

/** Every file an import refers to, so the uploader and the Worker agree on the set. */
export function referencedFiles(data: CatalogueImport): string[] {
  const files = new Set<string>();
  for (const o of data.organizations) if (o.logo) files.add(o.logo);
  for (const d of data.datasets) for (const r of d.resources) if (r.file) files.add(r.file);
  for (const s of data.showcases) if (s.image) files.add(s.image);
  return [...files].sort();
}
