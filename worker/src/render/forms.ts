// Accessible form parts for the pages the Worker renders: every field has a label, its hint and error are tied
// to it with aria-describedby, and a summary at the top links to each field in error (focus goes there first).
import { t, type Lang, type MessageKey } from '../i18n';
import { html, type Html, type Part } from './html';

export const CSRF_FIELD_NAME = '_csrf';

/** Field name → message already translated. */
export type FieldErrors = Record<string, string>;

export function csrfField(token: string): Html {
  return html`<input type="hidden" name="${CSRF_FIELD_NAME}" value="${token}">`;
}

export function errorSummary(lang: Lang, errors: FieldErrors, general?: string): Html | '' {
  const entries = Object.entries(errors);
  if (entries.length === 0 && !general) return '';
  return html`<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title" data-error-summary>
  <h2 id="error-summary-title">${t(lang, 'form.errorSummary')}</h2>
  ${general ? html`<p>${general}</p>` : ''}
  ${entries.length ? html`<ul>${entries.map(([name, message]) => html`<li><a href="#field-${name}">${message}</a></li>`)}</ul>` : ''}
</div>`;
}

export interface FieldOptions {
  lang: Lang;
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'tel' | 'url' | 'date' | 'number';
  value?: string | null;
  hint?: string;
  error?: string;
  required?: boolean;
  autocomplete?: string;
  /** Extra attributes already escaped by html``. */
  attributes?: Html;
  multiline?: boolean;
}

function describedBy(name: string, hint?: string, error?: string): string | null {
  const ids = [hint ? `hint-${name}` : '', error ? `error-${name}` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : null;
}

function fieldFrame(options: FieldOptions, control: Html): Html {
  const { lang, name, label, hint, error, required } = options;
  return html`<div class="field${error ? ' field-invalid' : ''}">
  <label for="field-${name}">${label}${required ? '' : html` <span class="muted">${t(lang, 'form.optional')}</span>`}</label>
  ${hint ? html`<p class="field-hint" id="hint-${name}">${hint}</p>` : ''}
  ${error ? html`<p class="field-error" id="error-${name}">${error}</p>` : ''}
  ${control}
</div>`;
}

export function textField(options: FieldOptions): Html {
  const { name, type = 'text', value, hint, error, required, autocomplete, attributes, multiline } = options;
  const described = describedBy(name, hint, error);
  const common = html`id="field-${name}" name="${name}"${required ? html` required aria-required="true"` : ''}${error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}${autocomplete ? html` autocomplete="${autocomplete}"` : ''}${attributes ? html` ${attributes}` : ''}`;
  const control = multiline
    ? html`<textarea ${common} rows="5">${value ?? ''}</textarea>`
    : html`<input type="${type}" ${common}${type !== 'password' && value ? html` value="${value}"` : ''}>`;
  return fieldFrame(options, control);
}

export interface Choice {
  value: string;
  label: string;
}

export function selectField(options: FieldOptions & { choices: readonly Choice[]; placeholder?: string }): Html {
  const { name, value, hint, error, required, choices, placeholder } = options;
  const described = describedBy(name, hint, error);
  const control = html`<select id="field-${name}" name="${name}"${required ? html` required aria-required="true"` : ''}${error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}>
  ${placeholder !== undefined ? html`<option value="">${placeholder}</option>` : ''}
  ${choices.map((c) => html`<option value="${c.value}"${c.value === value ? html` selected` : ''}>${c.label}</option>`)}
</select>`;
  return fieldFrame(options, control);
}

/** `idSuffix` keeps ids unique when two forms of one page share a field name. */
export function checkboxField(options: { name: string; label: Part; checked?: boolean; hint?: string; error?: string; value?: string; idSuffix?: string }): Html {
  const { name, label, checked, hint, error, value = 'on', idSuffix = '' } = options;
  const key = `${name}${idSuffix}`;
  const described = describedBy(key, hint, error);
  return html`<div class="field field-checkbox${error ? ' field-invalid' : ''}">
  ${error ? html`<p class="field-error" id="error-${key}">${error}</p>` : ''}
  <input type="checkbox" id="field-${key}" name="${name}" value="${value}"${checked ? html` checked` : ''}${described ? html` aria-describedby="${described}"` : ''}>
  <label for="field-${key}">${label}</label>
  ${hint ? html`<p class="field-hint" id="hint-${key}">${hint}</p>` : ''}
</div>`;
}

/** Translates field → message-key maps produced by the domain rules. */
export function translateErrors(lang: Lang, errors: Record<string, MessageKey | { key: MessageKey; params: Record<string, string | number> }>): FieldErrors {
  const out: FieldErrors = {};
  for (const [name, value] of Object.entries(errors)) {
    out[name] = typeof value === 'string' ? t(lang, value) : t(lang, value.key, value.params);
  }
  return out;
}
