// URL code → index label for each facet, fetched once by the search island: URLs stay short and stable
// (slugs, ids, codes) while the index holds readable labels.
import type { APIRoute } from 'astro';
import { UPDATE_FREQUENCIES } from '../../worker/src/domain/vocabulary';
import { frequencyLabel } from '../../worker/src/i18n';
import { catalogue } from '../lib/catalogue';
import { formatLabel } from '../lib/format';
import type { FacetCodes } from '../lib/search';
import { LANG } from '../lib/site';

export const GET: APIRoute = () => {
  const { snapshot } = catalogue();
  const formats = new Set(snapshot.datasets.flatMap((d) => d.resources.map((r) => r.format)));
  const codes: FacetCodes = {
    theme: Object.fromEntries(snapshot.themes.map((th) => [th.slug, th.title])),
    frequency: Object.fromEntries(UPDATE_FREQUENCIES.map((f) => [f, frequencyLabel(LANG, f)])),
    format: Object.fromEntries([...formats].map((f) => [f, formatLabel(f)])),
    organization: Object.fromEntries(snapshot.organizations.map((o) => [o.slug, o.legalName])),
    licence: Object.fromEntries(snapshot.licences.map((l) => [l.id, l.title])),
  };
  return new Response(JSON.stringify(codes), { headers: { 'Content-Type': 'application/json' } });
};
