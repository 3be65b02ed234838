// A small namespace-aware element tree over saxes (a conforming streaming XML parser). Documents with a DOCTYPE are
// refused before anything is expanded: no DTD, so no entity expansion (billion laughs) and no external entities.
import { SaxesParser } from 'saxes';

export interface XmlElement {
  /** Local name, without prefix. */
  local: string;
  uri: string;
  /** Attributes by local name. */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text and CDATA directly inside the element. */
  text: string;
}

export type XmlProblem = 'doctype' | 'syntax' | 'tooLarge' | 'tooDeep' | 'empty';

export class XmlError extends Error {
  constructor(readonly problem: XmlProblem, readonly detail = '') {
    super(`${problem}${detail ? `: ${detail}` : ''}`);
  }
}

export interface XmlLimits {
  maxChars: number;
  maxElements: number;
  maxDepth: number;
}

const DEFAULT_LIMITS: XmlLimits = { maxChars: 1_000_000, maxElements: 50_000, maxDepth: 64 };

export function parseXml(source: string, limits: XmlLimits = DEFAULT_LIMITS): XmlElement {
  if (source.length > limits.maxChars) throw new XmlError('tooLarge');
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let count = 0;
  parser.on('doctype', () => {
    throw new XmlError('doctype');
  });
  parser.on('opentag', (tag) => {
    if (++count > limits.maxElements) throw new XmlError('tooLarge');
    if (stack.length >= limits.maxDepth) throw new XmlError('tooDeep');
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
      attributes[attribute.local] = attribute.value;
    }
    const element: XmlElement = { local: tag.local, uri: tag.uri, attributes, children: [], text: '' };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const addText = (text: string) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  try {
    parser.write(source).close();
  } catch (error) {
    if (error instanceof XmlError) throw error;
    throw new XmlError('syntax', error instanceof Error ? error.message : String(error));
  }
  if (!root) throw new XmlError('empty');
  return root;
}

export function child(element: XmlElement, local: string): XmlElement | undefined {
  return element.children.find((c) => c.local === local);
}

export function childrenNamed(element: XmlElement, local: string): XmlElement[] {
  return element.children.filter((c) => c.local === local);
}

/** Every descendant with this local name, in document order. */
export function descendants(element: XmlElement, local: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (c.local === local) found.push(c);
      walk(c);
    }
  };
  walk(element);
  return found;
}

/** Text of the element and all its descendants, trimmed. */
export function textOf(element: XmlElement | undefined): string {
  if (!element) return '';
  const parts: string[] = [];
  const walk = (e: XmlElement) => {
    parts.push(e.text);
    e.children.forEach(walk);
  };
  walk(element);
  return parts.join('').trim();
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] ?? ch);
}
