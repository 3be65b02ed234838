// data.gouv.fr's CKAN harvest schema (ckan-compat §1.4), rule by rule, as a checker returning udata-style
// messages. Every top-level key is required (the value may be null where allowed); resource and tag keys too.
const isStr = (v: unknown): v is string => typeof v === 'string';
const isDate = (v: unknown) => isStr(v) && !Number.isNaN(Date.parse(v));
const strOrNull = (v: unknown) => v === null || isStr(v);
const emailOrEmpty = (v: unknown) => v === null || v === '' || (isStr(v) && v.includes('@'));
const RESOURCE_TYPES = ['file', 'file.upload', 'api', 'documentation', 'image', 'visualization'];

export function udataSchemaErrors(pkg: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const check = (path: string, ok: boolean, value: unknown) => { if (!ok) errors.push(`[${path}] ${JSON.stringify(value)}`); };
  const need = (obj: Record<string, unknown>, prefix: string, key: string, rule: (v: unknown) => boolean) => {
    if (!(key in obj)) errors.push(`[${prefix}${key}] required key not provided`);
    else check(prefix + key, rule(obj[key]), obj[key]);
  };
  need(pkg, '', 'id', isStr);
  need(pkg, '', 'name', isStr);
  need(pkg, '', 'title', isStr);
  need(pkg, '', 'notes', strOrNull);
  need(pkg, '', 'license_id', strOrNull);
  need(pkg, '', 'license_title', strOrNull);
  need(pkg, '', 'metadata_created', isDate);
  need(pkg, '', 'metadata_modified', isDate);
  need(pkg, '', 'private', (v) => v === null || typeof v === 'boolean');
  need(pkg, '', 'type', (v) => v === 'dataset');
  for (const key of ['author', 'maintainer', 'state']) need(pkg, '', key, strOrNull);
  for (const key of ['author_email', 'maintainer_email']) need(pkg, '', key, emailOrEmpty);
  need(pkg, '', 'organization', (v) => v === null || (typeof v === 'object' && !Array.isArray(v)));
  const org = pkg.organization as Record<string, unknown> | null;
  if (org) {
    for (const key of ['id', 'name', 'title', 'description', 'image_url', 'state', 'revision_id']) if (key in org) check(`organization.${key}`, isStr(org[key]), org[key]);
    for (const key of ['created', 'revision_timestamp']) if (key in org) check(`organization.${key}`, isDate(org[key]), org[key]);
    if ('is_organization' in org) check('organization.is_organization', typeof org.is_organization === 'boolean', org.is_organization);
    if ('type' in org) check('organization.type', org.type === 'organization', org.type);
    if ('approval_status' in org) check('organization.approval_status', org.approval_status === 'approved', org.approval_status);
  }
  need(pkg, '', 'tags', Array.isArray);
  for (const [i, tag] of ((pkg.tags as Record<string, unknown>[]) ?? []).entries()) {
    need(tag, `tags.${i}.`, 'id', isStr);
    need(tag, `tags.${i}.`, 'name', isStr);
  }
  need(pkg, '', 'resources', Array.isArray);
  for (const [i, r] of ((pkg.resources as Record<string, unknown>[]) ?? []).entries()) {
    const p = `resources.${i}.`;
    need(r, p, 'id', isStr);
    need(r, p, 'position', Number.isInteger);
    need(r, p, 'name', strOrNull);
    need(r, p, 'description', strOrNull);
    need(r, p, 'format', isStr);
    need(r, p, 'mimetype', strOrNull);
    need(r, p, 'size', (v) => v === null || Number.isInteger(Number(v)));
    need(r, p, 'hash', strOrNull);
    need(r, p, 'created', isDate);
    need(r, p, 'last_modified', (v) => v === null || isDate(v));
    need(r, p, 'url', (v) => isStr(v) && /^https?:\/\/[^/]+/.test(v));
    need(r, p, 'resource_type', (v) => v === null || v === '' || RESOURCE_TYPES.includes(v as string));
  }
  if ('extras' in pkg) {
    for (const [i, extra] of ((pkg.extras as Record<string, unknown>[]) ?? []).entries()) need(extra, `extras.${i}.`, 'key', isStr);
  }
  return errors;
}
