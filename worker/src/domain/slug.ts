// URL names (CKAN's `name`): lowercase ASCII, digits and hyphens, derived from a title.
export function slugify(text: string, maxLength = 100): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/['’]/g, '-').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, maxLength).replace(/-+$/, '');
}
