// "Style de la couche": the manual editor with its preview, SLD import (pasted or a file) and SLD export, for those
// who may edit the dataset (manageContext → can(dataset:edit)). The saved style drives WMS, the legend and the web map.
import type { IRequest } from 'itty-router';
import { boxFromWgs84 } from '../../domain/map-projection';
import { renderLegendSvg, renderSvg, type MapFrame } from '../../domain/render-map';
import { exportSld, importSld, SLD_MAX_CHARS } from '../../domain/sld';
import { geometryKindOf, normalizeForGeometry, validateStyle, type GeometryKind, type Style, type StyleProblem } from '../../domain/style';
import type { Env } from '../../env';
import { t, type MessageKey } from '../../i18n';
import { csrfField, errorSummary } from '../../render/forms';
import { html, raw } from '../../render/html';
import { auditStatement } from '../../store/audit';
import { changeStatement, publishChange } from '../../store/catalogue-changes';
import { readFeatures } from '../../store/geo-features';
import { findLayer, isServed, type GeoLayer, type ServedLayer } from '../../store/geo-layers';
import { layerStyle, saveStyleStatement } from '../../store/layer-styles';
import { csrfToken, csrfValid } from '../csrf';
import { pngFromSvg } from '../ogc/resvg';
import { formValues, LANG, pageResponse, redirect } from '../pages';
import { problem } from '../respond';
import { manageContext, notFoundPage, resourcePath, type ManageContext } from './resource-context';
import { classFieldset, MAX_FORM_CLASSES, newClass, styleFromForm } from './style-form';

const PREVIEW_WIDTH = 560;
const PREVIEW_FEATURES = 20_000;

export const stylePath = (datasetId: string, resourceId: string, page = '') => `/user/datasets/${datasetId}/resources/${resourceId}/style${page}`;

interface StyleContext extends ManageContext {
  layer: GeoLayer;
  kind: GeometryKind;
}

async function styleContext(request: IRequest, env: Env, json = false): Promise<StyleContext | Response> {
  const context = await manageContext(request, env, { resource: true, json });
  if (context instanceof Response) return context;
  const layer = await findLayer(env.DB, context.resource!.id);
  if (!layer) return json ? problem(404, t(LANG, 'style.page.notLayer')) : notFoundPage(request, env);
  return { ...context, layer, kind: geometryKindOf(layer.geometryType) };
}

const problemText = (p: StyleProblem) => t(LANG, p.key as MessageKey, p.params);

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The layer's whole extent in Web Mercator, at the preview's width. */
function previewFrame(layer: ServedLayer): MapFrame {
  const [minx, miny, maxx, maxy] = boxFromWgs84(layer.bbox, 'EPSG:3857');
  const padX = Math.max((maxx - minx) * 0.05, 50);
  const padY = Math.max((maxy - miny) * 0.05, 50);
  const bbox: MapFrame['bbox'] = [minx - padX, miny - padY, maxx + padX, maxy + padY];
  const height = Math.round(Math.min(560, Math.max(200, (PREVIEW_WIDTH * (bbox[3] - bbox[1])) / (bbox[2] - bbox[0]))));
  // Keep the scale equal on both axes: widen the shorter side of the box to the image's proportions.
  const unitsPerPixel = Math.max((bbox[2] - bbox[0]) / PREVIEW_WIDTH, (bbox[3] - bbox[1]) / height);
  const cx = (bbox[0] + bbox[2]) / 2;
  const cy = (bbox[1] + bbox[3]) / 2;
  return {
    crs: 'EPSG:3857', width: PREVIEW_WIDTH, height,
    bbox: [cx - (unitsPerPixel * PREVIEW_WIDTH) / 2, cy - (unitsPerPixel * height) / 2, cx + (unitsPerPixel * PREVIEW_WIDTH) / 2, cy + (unitsPerPixel * height) / 2],
  };
}

async function previewPng(env: Env, layer: ServedLayer, style: Style): Promise<{ png: Uint8Array; width: number; height: number }> {
  const frame = previewFrame(layer);
  const { features } = await readFeatures(env, layer, { limit: PREVIEW_FEATURES });
  const png = await pngFromSvg(renderSvg(frame, [{ features, style }], { background: '#f4f4f1' }));
  return { png, width: frame.width, height: frame.height };
}

interface EditorState {
  style: Style;
  problems?: StyleProblem[];
  importError?: string;
  sldText?: string;
  status?: number;
}

async function editorPage(request: Request, env: Env, context: StyleContext, state: EditorState): Promise<Response> {
  const { dataset, layer, kind } = context;
  const resource = context.resource!;
  const token = await csrfToken(request, env);
  const url = new URL(request.url);
  const fields = layer.fields.map((f) => f.name);
  const style = state.style;
  const title = t(LANG, 'style.page.title', { title: resource.title });
  const errors = (state.problems ?? []).map(problemText);
  let preview = html`<p class="muted">${t(LANG, 'style.page.notReady')}</p>`;
  if (isServed(layer) && validateStyle(style).length === 0) {
    const image = await previewPng(env, layer, style);
    const legend = renderLegendSvg(style, kind);
    const legendPng = await pngFromSvg(legend.svg);
    preview = html`<img id="style-preview" class="style-preview" src="data:image/png;base64,${base64(image.png)}" width="${image.width}" height="${image.height}" alt="${t(LANG, 'style.page.previewAlt', { title: layer.title })}">
<h3>${t(LANG, 'style.page.legend')}</h3>
<img id="style-legend" src="data:image/png;base64,${base64(legendPng)}" width="${legend.width}" height="${legend.height}" alt="${t(LANG, 'style.page.legendAlt')}">`;
  }
  const status = url.searchParams.has('saved') ? t(LANG, 'style.page.saved') : url.searchParams.has('imported') ? t(LANG, 'style.page.imported') : '';
  const action = stylePath(dataset.id, resource.id);
  const body = html`<p><a href="${resourcePath(dataset.id, resource.id, 'edit')}">${resource.title}</a></p>
<h1>${title}</h1>
<p class="muted">${t(LANG, 'style.page.intro', { layer: layer.name })}</p>
${status ? html`<p class="success" role="status">${status}</p>` : ''}
${errors.length ? html`<div class="error-summary" role="alert" tabindex="-1" data-error-summary><h2>${t(LANG, 'form.errorSummary')}</h2><ul>${errors.map((e) => html`<li>${e}</li>`)}</ul></div>` : ''}
<div class="style-editor">
<form method="post" action="${action}" class="style-form" id="style-form" data-preview-url="${stylePath(dataset.id, resource.id, '/preview')}" novalidate>
${csrfField(token)}
<input type="hidden" name="classes" value="${style.classes.length}">
<div class="field"><label for="style-name">${t(LANG, 'style.name')}</label><input type="text" id="style-name" name="name" value="${style.name}" maxlength="200" required aria-required="true"></div>
${style.classes.map((c, i) => classFieldset(c, i, kind, fields))}
<div class="form-actions">
${style.classes.length < MAX_FORM_CLASSES ? html`<button type="submit" name="action" value="add" class="button button-secondary">${t(LANG, 'style.class.add')}</button>` : ''}
<button type="submit" name="action" value="preview" class="button button-secondary">${t(LANG, 'style.page.refresh')}</button>
<button type="submit" name="action" value="save" class="button">${t(LANG, 'style.page.save')}</button>
</div>
</form>
<section class="style-side" aria-labelledby="style-preview-title">
<h2 id="style-preview-title">${t(LANG, 'style.page.preview')}</h2>
<div aria-live="polite" id="style-preview-box">${preview}</div>
<h2>${t(LANG, 'style.sld.title')}</h2>
<p><a href="${stylePath(dataset.id, resource.id, '/export')}" download>${t(LANG, 'style.sld.export')}</a> · <a href="${stylePath(dataset.id, resource.id, '/export?version=1.1.0')}" download>${t(LANG, 'style.sld.export11')}</a></p>
<form method="post" action="${stylePath(dataset.id, resource.id, '/import')}" enctype="multipart/form-data" class="style-import">
${csrfField(token)}
${state.importError ? errorSummary(LANG, { sld: state.importError }) : ''}
<div class="field${state.importError ? ' field-invalid' : ''}"><label for="field-sld">${t(LANG, 'style.sld.paste')}</label>
${state.importError ? html`<p class="field-error" id="error-sld">${state.importError}</p>` : ''}
<textarea id="field-sld" name="sld" rows="8"${state.importError ? raw(' aria-invalid="true" aria-describedby="error-sld"') : ''}>${state.sldText ?? ''}</textarea></div>
<div class="field"><label for="field-sld-file">${t(LANG, 'style.sld.file')}</label><input type="file" id="field-sld-file" name="sld_file" accept=".sld,.xml,application/xml,text/xml"></div>
<p class="field-hint">${t(LANG, 'style.sld.hint')}</p>
<button type="submit" class="button button-secondary">${t(LANG, 'style.sld.import')}</button>
</form>
</section>
</div>
<script src="/scripts/style-editor.js" defer></script>`;
  return pageResponse(request, env, { title, body, status: state.status, section: 'datasets' });
}

export async function styleFormHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await styleContext(request, env);
  if (context instanceof Response) return context;
  return editorPage(request, env, context, { style: await layerStyle(env.DB, context.layer.resourceId, context.kind) });
}

async function save(request: Request, env: Env, context: StyleContext, style: Style, event: 'saved' | 'imported'): Promise<Response> {
  const { dataset, actor, layer } = context;
  const now = new Date();
  const statements = [
    saveStyleStatement(env.DB, layer.resourceId, style, actor.id, now),
    auditStatement(env.DB, actor, `layer.style.${event}`, { type: 'resource', id: layer.resourceId }, { datasetId: dataset.id, style: style.name }),
  ];
  // The dataset page's web map is built with the style: a published dataset is rebuilt.
  if (dataset.published) statements.push(changeStatement(env.DB, 'layer style', { type: 'dataset', id: dataset.id }, now));
  const results = await env.DB.batch(statements);
  if (dataset.published) await publishChange(env, results[results.length - 1]!);
  return redirect(request, env, `${stylePath(dataset.id, context.resource!.id)}?${event}=1`);
}

export async function styleSubmitHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await styleContext(request, env);
  if (context instanceof Response) return context;
  const form = await request.formData();
  const values = formValues(form);
  if (!csrfValid(request, form)) {
    return editorPage(request, env, context, { style: styleFromForm(values, context.kind), problems: [{ key: 'auth.csrf' }], status: 403 });
  }
  const action = values.action ?? 'save';
  const removed = /^remove-(\d+)$/.exec(action);
  const style = styleFromForm(values, context.kind, removed ? Number(removed[1]) : null);
  if (action === 'add' && style.classes.length < MAX_FORM_CLASSES) style.classes.push(newClass(context.kind, style.classes.length));
  if (action !== 'save') return editorPage(request, env, context, { style });
  const problems = validateStyle(style);
  if (problems.length) return editorPage(request, env, context, { style, problems, status: 400 });
  return save(request, env, context, style, 'saved');
}

/** The live preview: the unsaved form drawn as a PNG (the editor's script posts the form on each change). */
export async function stylePreviewHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await styleContext(request, env, true);
  if (context instanceof Response) return context;
  const form = await request.formData();
  if (!csrfValid(request, form)) return problem(403, t(LANG, 'auth.csrf'));
  const style = styleFromForm(formValues(form), context.kind);
  const problems = validateStyle(style);
  if (problems.length) return problem(400, problemText(problems[0]!));
  if (!isServed(context.layer)) return problem(409, t(LANG, 'style.page.notReady'));
  const wanted = new URL(request.url).searchParams.get('image');
  const png = wanted === 'legend'
    ? await pngFromSvg(renderLegendSvg(style, context.kind).svg)
    : (await previewPng(env, context.layer, style)).png;
  return new Response(png, { headers: { 'content-type': 'image/png', 'cache-control': 'no-store' } });
}

export async function styleImportHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await styleContext(request, env);
  if (context instanceof Response) return context;
  const current = await layerStyle(env.DB, context.layer.resourceId, context.kind);
  const form = await request.formData();
  const pasted = String(form.get('sld') ?? '');
  if (!csrfValid(request, form)) return editorPage(request, env, context, { style: current, importError: t(LANG, 'auth.csrf'), sldText: pasted, status: 403 });
  const file = form.get('sld_file');
  let text = pasted;
  if (file instanceof File && file.size > 0) {
    if (file.size > SLD_MAX_CHARS * 4) {
      return editorPage(request, env, context, { style: current, importError: t(LANG, 'style.sld.tooLarge', { max: '512 Ko' }), sldText: pasted, status: 400 });
    }
    text = await file.text();
  }
  if (!text.trim()) return editorPage(request, env, context, { style: current, importError: t(LANG, 'style.sld.empty'), sldText: pasted, status: 400 });
  const result = importSld(text);
  if (!result.ok) {
    return editorPage(request, env, context, { style: current, importError: problemText(result.problem), sldText: text.length <= SLD_MAX_CHARS ? text : pasted, status: 400 });
  }
  return save(request, env, context, normalizeForGeometry(result.style, context.kind), 'imported');
}

export async function styleExportHandler(request: IRequest, env: Env): Promise<Response> {
  const context = await styleContext(request, env);
  if (context instanceof Response) return context;
  const version = new URL(request.url).searchParams.get('version') === '1.1.0' ? '1.1.0' : '1.0.0';
  const style = await layerStyle(env.DB, context.layer.resourceId, context.kind);
  const sld = exportSld(style, { layerName: context.layer.name, geometry: context.kind, version });
  return new Response(sld, {
    headers: {
      'content-type': 'application/vnd.ogc.sld+xml; charset=utf-8',
      'content-disposition': `attachment; filename="${context.layer.name}${version === '1.1.0' ? '-se' : ''}.sld"`,
      'cache-control': 'no-store',
    },
  });
}
