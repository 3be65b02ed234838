// CKAN Action API, read side (ckan-compat §2): /api/3/action/<name> and /api/action/<name>, GET or POST,
// CKAN's envelope, errors and statuses, JSON whatever the Accept header, never a redirect.
// Every visibility decision is can()'s, asked for the actor of the request.
import type { IRequest } from 'itty-router';
import {
  CkanActionError, CkanBadRequest, MISSING_VALUE, notAuthorized, notFound, validationError,
} from '../../domain/ckan-errors';
import {
  groupDict, licenceDict, memberDict, organizationSummary, packageDict, resourceDict, tagDict,
} from '../../domain/ckan-package';
import { datasetFacts, resourceFacts, type DatasetRecord, type ResourceRecord } from '../../domain/ckan-records';
import {
  boolParam, listParam, naturalParam, parseSearchRequest, search, stringParam, type DataDict,
} from '../../domain/ckan-search';
import { ANONYMOUS, can, type Actor } from '../../domain/permissions';
import type { Env } from '../../env';
import { t, type MessageKey } from '../../i18n';
import { currentCatalogue, organizationMembers, type CkanCatalogue } from '../../store/ckan-catalogue';
import { presentedToken, resolveActor } from '../actor';
import { MultipartBodyError, readMultipart, type MultipartProblem, type StreamedFile } from './multipart-body';
import { apiUploadMax, uploadTooLarge, WRITE_ACTIONS } from './write-actions';

/** The CKAN release whose API this surface follows (status_show). */
const CKAN_API_VERSION = '2.11.5';

interface Context {
  env: Env;
  actor: Actor;
  site: string;
  now: number;
}

type Action = (dict: DataDict, ctx: Context) => Promise<unknown>;

export const publicSite = (env: Env) => env.PORTAL_PUBLIC_URL.replace(/\/+$/, '');

const visible = (actor: Actor, d: DatasetRecord) => can(actor, { action: 'dataset:view', dataset: datasetFacts(d) });

/** CKAN lists private (here: unpublished) datasets only when include_private is asked and the actor may see them. */
const listed = (actor: Actor, d: DatasetRecord, includePrivate: boolean) => visible(actor, d) && (includePrivate || d.published);

const downloadable = (actor: Actor, d: DatasetRecord) => (r: ResourceRecord) =>
  can(actor, { action: 'resource:download', resource: resourceFacts(d, r) });

const toPackage = (ctx: Context, d: DatasetRecord) => packageDict(ctx.site, d, downloadable(ctx.actor, d));

function required(dict: DataDict, ...keys: string[]): string {
  for (const key of keys) {
    const value = stringParam(dict, key);
    if (value) return value;
  }
  throw validationError({ [keys[keys.length - 1]!]: [MISSING_VALUE] });
}

function page<T>(items: T[], dict: DataDict, defaultLimit: number | undefined): T[] {
  const offset = naturalParam(dict, 'offset', 0)!;
  const limit = naturalParam(dict, 'limit', defaultLimit);
  return items.slice(offset, limit === undefined ? undefined : offset + limit);
}

async function packageSearch(dict: DataDict, ctx: Context) {
  const request = parseSearchRequest(dict);
  const catalogue = await currentCatalogue(ctx.env.DB);
  const datasets = catalogue.datasets.filter((d) => listed(ctx.actor, d, request.includePrivate));
  const result = search(datasets, request, ctx.now);
  return {
    count: result.count,
    facets: result.facets,
    results: result.results.map((d) => toPackage(ctx, d)),
    sort: result.sort,
    search_facets: result.search_facets,
  };
}

const GROUP_SORTS = new Set(['name', 'title', 'package_count']);

/** organization_list and group_list: names, or dicts with all_fields (ckan-compat §2.3). */
function groupList(kind: 'organization' | 'group'): Action {
  return async (dict, ctx) => {
    const catalogue = await currentCatalogue(ctx.env.DB);
    const counts = packageCounts(catalogue, ctx.actor, kind);
    const records = kind === 'organization' ? catalogue.organizations : catalogue.themes;
    const sort = stringParam(dict, 'sort')?.trim() || 'title asc';
    const [field = 'title', direction = 'asc'] = sort.split(/\s+/);
    if (!GROUP_SORTS.has(field) || !['asc', 'desc'].includes(direction)) throw validationError({ sort: [`Cannot sort by field \`${field}\``] });
    const q = stringParam(dict, 'q')?.toLowerCase();
    const only = listParam(dict, kind === 'organization' ? 'organizations' : 'groups');
    const selected = records
      .filter((r) => !only || only.includes(r.slug))
      .filter((r) => !q || [r.slug, r.title, r.description].some((s) => s.toLowerCase().includes(q)))
      .sort((a, b) => {
        const order = field === 'package_count' ? (counts.get(a.id) ?? 0) - (counts.get(b.id) ?? 0)
          : field === 'name' ? a.slug.localeCompare(b.slug) : a.title.localeCompare(b.title, 'fr');
        return direction === 'desc' ? -order : order;
      });
    const allFields = boolParam(dict, 'all_fields');
    const shown = page(selected, dict, allFields ? 25 : 1000);
    return allFields ? shown.map((r) => groupDict(ctx.site, kind, r, counts.get(r.id) ?? 0)) : shown.map((r) => r.slug);
  };
}

function packageCounts(catalogue: CkanCatalogue, actor: Actor, kind: 'organization' | 'group'): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of catalogue.datasets) {
    if (!listed(actor, d, false)) continue;
    const ids = kind === 'organization' ? [d.organization.id] : d.themes.map((th) => th.id);
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function groupShow(kind: 'organization' | 'group'): Action {
  return async (dict, ctx) => {
    const id = required(dict, 'id');
    const catalogue = await currentCatalogue(ctx.env.DB);
    const records = kind === 'organization' ? catalogue.organizations : catalogue.themes;
    const record = records.find((r) => r.id === id || r.slug === id);
    if (!record) throw notFound(kind === 'organization' ? 'Organization was not found.' : 'Group was not found.');
    const counts = packageCounts(catalogue, ctx.actor, kind);
    const group = groupDict(ctx.site, kind, record, counts.get(record.id) ?? 0);
    // An organisation's own people (and administrators) see who belongs to it and its drafts, as CKAN's members do.
    const insider = kind === 'organization' && can(ctx.actor, { action: 'organization:view-members', organizationId: record.id });
    const users = insider && boolParam(dict, 'include_users', true) ? (await organizationMembers(ctx.env.DB, record.id)).map(memberDict) : [];
    if (!boolParam(dict, 'include_datasets')) return { ...group, users };
    const member = (d: DatasetRecord) => (kind === 'organization' ? d.organization.id === record.id : d.themes.some((th) => th.id === record.id));
    const packages = catalogue.datasets.filter((d) => member(d) && listed(ctx.actor, d, insider)).slice(0, 1000);
    return { ...group, users, packages: packages.map((d) => toPackage(ctx, d)) };
  };
}

const HELP: Record<string, MessageKey> = {
  package_search: 'ckan.help.package_search',
  package_list: 'ckan.help.package_list',
  current_package_list_with_resources: 'ckan.help.current_package_list_with_resources',
  package_show: 'ckan.help.package_show',
  resource_show: 'ckan.help.resource_show',
  organization_list: 'ckan.help.organization_list',
  organization_show: 'ckan.help.organization_show',
  group_list: 'ckan.help.group_list',
  group_show: 'ckan.help.group_show',
  tag_list: 'ckan.help.tag_list',
  license_list: 'ckan.help.license_list',
  status_show: 'ckan.help.status_show',
  help_show: 'ckan.help.help_show',
  package_create: 'ckan.help.package_create',
  package_update: 'ckan.help.package_update',
  package_patch: 'ckan.help.package_patch',
  package_delete: 'ckan.help.package_delete',
  resource_create: 'ckan.help.resource_create',
  resource_update: 'ckan.help.resource_update',
  resource_patch: 'ckan.help.resource_patch',
  resource_delete: 'ckan.help.resource_delete',
};

const READ_ACTIONS: Record<string, Action> = {
  package_search: packageSearch,

  async package_list(dict, ctx) {
    const catalogue = await currentCatalogue(ctx.env.DB);
    const names = catalogue.datasets.filter((d) => listed(ctx.actor, d, false)).map((d) => d.slug).sort();
    return page(names, dict, undefined);
  },

  async current_package_list_with_resources(dict, ctx) {
    const limit = naturalParam(dict, 'limit', undefined);
    const pageNumber = naturalParam(dict, 'page', undefined);
    let offset = naturalParam(dict, 'offset', 0)!;
    if (stringParam(dict, 'offset') === undefined && pageNumber !== undefined && limit !== undefined) offset = Math.max(pageNumber - 1, 0) * limit;
    const result = await packageSearch({ q: '', start: String(offset), ...(limit !== undefined ? { rows: String(limit) } : {}) }, ctx);
    return result.results;
  },

  async package_show(dict, ctx) {
    const id = required(dict, 'id', 'name_or_id');
    const catalogue = await currentCatalogue(ctx.env.DB);
    const dataset = catalogue.datasets.find((d) => d.id === id || d.slug === id);
    // A dataset the actor may not see is answered as absent, so its existence does not leak.
    if (!dataset || !visible(ctx.actor, dataset)) throw notFound();
    return toPackage(ctx, dataset);
  },

  async resource_show(dict, ctx) {
    const id = required(dict, 'id');
    const catalogue = await currentCatalogue(ctx.env.DB);
    for (const d of catalogue.datasets) {
      const index = d.resources.findIndex((r) => r.id === id);
      if (index >= 0 && visible(ctx.actor, d)) return resourceDict(ctx.site, d.resources[index]!, index, downloadable(ctx.actor, d)(d.resources[index]!));
    }
    throw notFound('Resource was not found.');
  },

  organization_list: groupList('organization'),
  organization_show: groupShow('organization'),
  group_list: groupList('group'),
  group_show: groupShow('group'),

  async tag_list(dict, ctx) {
    if (stringParam(dict, 'vocabulary_id')) return []; // the portal has free tags only
    const catalogue = await currentCatalogue(ctx.env.DB);
    const query = (stringParam(dict, 'query') ?? stringParam(dict, 'q'))?.toLowerCase();
    const names = new Set<string>();
    for (const d of catalogue.datasets) if (listed(ctx.actor, d, false)) for (const tag of d.tags) names.add(tag);
    const selected = [...names].filter((n) => !query || n.toLowerCase().includes(query)).sort((a, b) => a.localeCompare(b, 'fr'));
    return boolParam(dict, 'all_fields') ? selected.map(tagDict) : selected;
  },

  async license_list(_dict, ctx) {
    const catalogue = await currentCatalogue(ctx.env.DB);
    return catalogue.licences.map(licenceDict);
  },

  async status_show(_dict, ctx) {
    return {
      site_title: t('fr', 'site.name'),
      site_description: t('fr', 'ckan.siteDescription'),
      site_url: ctx.site,
      error_emails_to: null,
      locale_default: 'fr',
      extensions: ['dcat'],
      ckan_version: CKAN_API_VERSION,
    };
  },

  async help_show(dict) {
    const name = required(dict, 'name');
    const key = HELP[name];
    if (!key) throw notFound('Action function not found');
    return t('fr', key);
  },
};

/** Known CKAN write actions the portal does not offer (organisations and thématiques are managed by administrators). */
const UNSUPPORTED_WRITES = new Set([
  'package_revise', 'dataset_purge', 'organization_create', 'organization_update', 'organization_patch', 'organization_delete',
  'group_create', 'group_update', 'group_patch', 'group_delete',
]);

function ckanJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json;charset=utf-8', ...headers } });
}

function queryDict(url: URL): DataDict {
  const dict: DataDict = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    dict[key] = values.length > 1 ? values : values[0];
  }
  return dict;
}

/** Outside the file, the fields of a multipart body are small: a body this much above the file limit is refused unread. */
const FIELDS_ALLOWANCE = 1024 * 1024;

interface Body {
  dict: DataDict;
  /** The `upload` file of a multipart body, streamed from the request. */
  file: StreamedFile | null;
  discard: () => Promise<void>;
}

const nothingToDiscard = async () => undefined;

/** A dict from form entries, or the one form key that holds JSON (ckan-compat §2.1). */
function formDict(entries: Array<[string, string]>): DataDict {
  const first = entries[0];
  if (first && entries.every(([k]) => k === first[0]) && first[1] === '' && first[0].trim().startsWith('{')) return parseJsonObject(first[0]);
  const dict: DataDict = {};
  for (const [key, value] of entries) {
    const known = dict[key];
    dict[key] = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known as string, value];
  }
  return dict;
}

const MULTIPART_REFUSALS: Record<MultipartProblem, string> = {
  boundary: 'multipart/form-data without a boundary',
  malformed: 'malformed multipart/form-data part headers',
  truncated: 'the multipart/form-data body ends before its closing boundary',
  field_too_large: 'a multipart/form-data field is too large',
  too_many_parts: 'too many multipart/form-data parts',
  after_file: 'the upload file must be the last part of the multipart/form-data body',
};

/** POST body: a JSON object, form fields, or one form key holding JSON (ckan-compat §2.1); the upload streamed. */
async function bodyDict(request: Request, env: Env): Promise<Body> {
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('multipart/form-data')) {
    if (Number(request.headers.get('content-length') ?? 0) > apiUploadMax(env) + FIELDS_ALLOWANCE) {
      await request.body?.cancel();
      throw uploadTooLarge(env);
    }
    if (!request.body) return { dict: {}, file: null, discard: nothingToDiscard };
    try {
      const body = await readMultipart(type, request.body);
      return { dict: formDict(body.fields), file: body.file, discard: body.discard };
    } catch (error) {
      if (error instanceof MultipartBodyError) throw new CkanBadRequest(`Bad request - ${MULTIPART_REFUSALS[error.problem]}`);
      throw error;
    }
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    const form = await request.formData();
    return { dict: formDict([...form].map(([k, v]) => [k, String(v)])), file: null, discard: nothingToDiscard };
  }
  const text = await request.text();
  return { dict: text.trim() === '' ? {} : parseJsonObject(text), file: null, discard: nothingToDiscard };
}

function parseJsonObject(text: string): DataDict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CkanBadRequest(`Bad request - JSON Error: Error decoding JSON data. Error: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CkanBadRequest(`Bad request - JSON Error: Request data JSON decoded to ${JSON.stringify(parsed)} but it needs to be a dictionary.`);
  }
  return parsed as DataDict;
}

const JSONP_CALLBACK = /^[A-Za-z_$][\w$.]*$/;

export async function ckanActionHandler(request: IRequest, env: Env): Promise<Response> {
  const name = (request.params as { name: string }).name;
  const url = new URL(request.url);
  const site = publicSite(env);
  const help = `${site}/api/3/action/help_show?name=${encodeURIComponent(name)}`;
  let body: Body | undefined;
  try {
    if (request.method !== 'GET' && request.method !== 'POST') return ckanJson('Bad request - Method not allowed', 405, { allow: 'GET, POST' });
    const action = READ_ACTIONS[name];
    const write = WRITE_ACTIONS[name];
    if (!action && !write) {
      if (UNSUPPORTED_WRITES.has(name) && request.method === 'POST') throw notAuthorized('the portal does not offer this action');
      if (!UNSUPPORTED_WRITES.has(name)) throw new CkanBadRequest(`Bad request - Action name not known: ${name}`);
    }
    if (!action && request.method === 'GET') {
      throw new CkanBadRequest('Bad request - JSON Error: Invalid request. Please use POST method for your request');
    }
    // Read actions also take URL parameters on POST, as CKAN's side-effect-free actions do; the body wins.
    body = request.method === 'GET' ? { dict: queryDict(url), file: null, discard: nothingToDiscard } : await bodyDict(request, env);
    const dict = request.method === 'GET' || !action ? body.dict : { ...queryDict(url), ...body.dict };
    // JSONP runs as an anonymous visitor, as in CKAN: a page of another site must not act with the user's session.
    const callback = request.method === 'GET' ? stringParam(dict, 'callback') : undefined;
    delete dict.callback;
    delete dict._;
    const jsonp = callback !== undefined && JSONP_CALLBACK.test(callback);
    const actor = jsonp ? ANONYMOUS : await resolveActor(request, env);
    const context: Context = { env, actor, site, now: Date.now() };
    // Past the checks above, an action that is not a read is one of the writes.
    const result = action ? await action(dict, context) : await write!(dict, {
      env, actor, site, viaToken: presentedToken(request) !== null, upload: body.file,
      showPackage: (id) => READ_ACTIONS.package_show!({ id }, context),
      showResource: (id) => READ_ACTIONS.resource_show!({ id }, context),
    });
    const envelope = { help, success: true, result };
    if (jsonp) return new Response(`${callback}(${JSON.stringify(envelope)});`, { headers: { 'content-type': 'application/javascript;charset=utf-8' } });
    return ckanJson(envelope);
  } catch (error) {
    if (error instanceof CkanBadRequest) return ckanJson(error.message, 400);
    if (error instanceof CkanActionError) return ckanJson({ help, success: false, error: error.error }, error.status);
    console.error(error);
    return ckanJson({ help, success: false, error: { __type: 'Internal Server Error', message: 'Internal Server Error' } }, 500);
  } finally {
    // An upload the action did not read (refused before storing) is not read further.
    await body?.discard();
  }
}

/** `/api` and `/api/3` tell the API version, as CKAN does. */
export const ckanVersionHandler = () => ckanJson({ version: 3 });
