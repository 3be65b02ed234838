// The subset of Solr's Lucene syntax that CKAN clients send in package_search `q` and `fq`
// (ckan-compat §1.2, §2.2, §3): field:value, quoted phrases, `-`/`+`/NOT, AND/OR/&&/||, parentheses,
// `*:*`, wildcards, [a TO b] / {a TO b} ranges with `*` and NOW, and free text. Parsed into a tree, then
// evaluated against a search document, so the rules stay pure and testable without D1.

export type QueryNode =
  | { kind: 'all' }
  | { kind: 'and' | 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode }
  | { kind: 'term'; field: string | null; value: string; phrase: boolean }
  | { kind: 'range'; field: string; from: string | null; to: string | null; fromInclusive: boolean; toInclusive: boolean };

export class QuerySyntaxError extends Error {}

type Token =
  | { type: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'must' | 'all' }
  | { type: 'term'; field: string | null; value: string; phrase: boolean }
  | { type: 'range'; field: string; from: string | null; to: string | null; fromInclusive: boolean; toInclusive: boolean }
  | { type: 'fieldGroup'; field: string };

const WORD_END = /[\s()"]/;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const readQuoted = (): string => {
    let out = '';
    i++; // opening quote
    while (i < input.length && input[i] !== '"') {
      if (input[i] === '\\' && i + 1 < input.length) i++;
      out += input[i++];
    }
    if (input[i] !== '"') throw new QuerySyntaxError('unterminated phrase');
    i++;
    return out;
  };
  const readWord = (): string => {
    let out = '';
    while (i < input.length && !WORD_END.test(input[i]!)) {
      if (input[i] === '\\' && i + 1 < input.length) i++;
      out += input[i++];
    }
    return out;
  };
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(') { tokens.push({ type: 'lparen' }); i++; continue; }
    if (c === ')') { tokens.push({ type: 'rparen' }); i++; continue; }
    if (c === '-' || c === '!') { tokens.push({ type: 'not' }); i++; continue; }
    if (c === '+') { tokens.push({ type: 'must' }); i++; continue; }
    if (input.startsWith('&&', i)) { tokens.push({ type: 'and' }); i += 2; continue; }
    if (input.startsWith('||', i)) { tokens.push({ type: 'or' }); i += 2; continue; }
    if (c === '"') { tokens.push({ type: 'term', field: null, value: readQuoted(), phrase: true }); continue; }
    // A field name, then ':' and a value, a phrase, a range or a parenthesised group.
    const fieldMatch = /^([A-Za-z_][\w.\-]*|\*):/.exec(input.slice(i));
    if (fieldMatch) {
      const field = fieldMatch[1]!;
      i += fieldMatch[0].length;
      const next = input[i];
      if (next === '"') { tokens.push({ type: 'term', field, value: readQuoted(), phrase: true }); continue; }
      if (next === '[' || next === '{') {
        const close = input.slice(i).search(/[\]}]/);
        if (close < 0) throw new QuerySyntaxError('unterminated range');
        const body = input.slice(i + 1, i + close);
        const parts = body.trim().split(/\s+TO\s+/);
        if (parts.length !== 2) throw new QuerySyntaxError('range without TO');
        tokens.push({
          type: 'range', field,
          from: parts[0] === '*' ? null : parts[0]!, to: parts[1] === '*' ? null : parts[1]!,
          fromInclusive: next === '[', toInclusive: input[i + close] === ']',
        });
        i += close + 1;
        continue;
      }
      if (next === '(') { tokens.push({ type: 'fieldGroup', field }); continue; }
      const value = readWord();
      if (field === '*' && value === '*') tokens.push({ type: 'all' });
      else if (value === '') throw new QuerySyntaxError(`empty value for ${field}`);
      else tokens.push({ type: 'term', field, value, phrase: false });
      continue;
    }
    const word = readWord();
    if (word === 'AND') tokens.push({ type: 'and' });
    else if (word === 'OR') tokens.push({ type: 'or' });
    else if (word === 'NOT') tokens.push({ type: 'not' });
    else if (word !== '') tokens.push({ type: 'term', field: null, value: word, phrase: false });
    else throw new QuerySyntaxError(`unexpected character ${c}`);
  }
  return tokens;
}

/** Parses a q or fq string; an empty string means every dataset. Implicit operator: AND (CKAN sets q.op=AND). */
export function parseQuery(input: string): QueryNode {
  const tokens = tokenize(input);
  let pos = 0;
  // Inside `field:( … )` bare terms take the group's field.
  const fieldStack: (string | null)[] = [null];

  const peek = () => tokens[pos];
  const parseOr = (): QueryNode => {
    const children = [parseAnd()];
    while (peek()?.type === 'or') { pos++; children.push(parseAnd()); }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  };
  const parseAnd = (): QueryNode => {
    const children = [parseUnary()];
    for (;;) {
      const next = peek();
      if (!next || next.type === 'or' || next.type === 'rparen') break;
      if (next.type === 'and') pos++;
      children.push(parseUnary());
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  };
  const parseUnary = (): QueryNode => {
    const token = peek();
    if (!token) throw new QuerySyntaxError('unexpected end of query');
    if (token.type === 'not') { pos++; return { kind: 'not', child: parseUnary() }; }
    if (token.type === 'must') { pos++; return parseUnary(); }
    return parsePrimary();
  };
  const parsePrimary = (): QueryNode => {
    const token = tokens[pos++];
    if (!token) throw new QuerySyntaxError('unexpected end of query');
    switch (token.type) {
      case 'all':
        return { kind: 'all' };
      case 'term':
        return { kind: 'term', field: token.field ?? fieldStack[fieldStack.length - 1]!, value: token.value, phrase: token.phrase };
      case 'range':
        return { kind: 'range', field: token.field, from: token.from, to: token.to, fromInclusive: token.fromInclusive, toInclusive: token.toInclusive };
      case 'fieldGroup':
      case 'lparen': {
        if (token.type === 'fieldGroup') { fieldStack.push(token.field); pos++; } // skips the '(' after 'field:'
        const inner = parseOr();
        if (tokens[pos++]?.type !== 'rparen') throw new QuerySyntaxError('missing closing parenthesis');
        if (token.type === 'fieldGroup') fieldStack.pop();
        return inner;
      }
      default:
        throw new QuerySyntaxError(`unexpected ${token.type.toUpperCase()}`);
    }
  };

  if (tokens.length === 0) return { kind: 'all' };
  const tree = parseOr();
  if (pos < tokens.length) throw new QuerySyntaxError('unbalanced parenthesis');
  return tree;
}

/** What a query is evaluated against: indexed field → values (CKAN's index names, ckan-compat §2.2). */
export interface SearchDocument {
  /** Exact-match fields (organization, groups, tags, res_format, license_id, name, id…). */
  fields: Record<string, readonly string[]>;
  /** Date-time fields as ISO 8601 UTC strings (metadata_modified, metadata_created). */
  dates: Record<string, string>;
  /** Free text, folded by foldText (title, notes, tags, organisation, thématiques, resources). A function: folding
   *  every description costs more than the rest of a search, and most harvester queries have no free text. */
  text: () => string;
  /** Per-field text (title, notes), folded on demand. */
  texts: Record<string, () => string>;
}

/** Lower case without accents, for the text fields (Solr's text analyser folds both). */
export function foldText(value: string): string {
  return value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** A folded text computed once, on first use. */
export function lazyFold(value: () => string): () => string {
  let folded: string | undefined;
  return () => (folded ??= foldText(value()));
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${escaped}$`, 'i');
}

const DURATION_MS: Record<string, number> = {
  SECOND: 1000, SECONDS: 1000, MINUTE: 60_000, MINUTES: 60_000, HOUR: 3_600_000, HOURS: 3_600_000, DAY: 86_400_000, DAYS: 86_400_000,
};

/** A range bound as epoch ms: ISO dates, NOW and NOW±nUNIT (the date math harvesters use). */
function dateBound(value: string, now: number): number {
  const math = /^NOW(?:([+-])(\d+)([A-Z]+))?(?:\/DAY)?$/.exec(value);
  if (math) {
    if (!math[1]) return now;
    const unit = DURATION_MS[math[3]!];
    if (!unit) throw new QuerySyntaxError(`unknown date unit ${math[3]}`);
    return now + (math[1] === '-' ? -1 : 1) * Number(math[2]) * unit;
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new QuerySyntaxError(`invalid date ${value}`);
  return ms;
}

function compareRange(value: number, node: Extract<QueryNode, { kind: 'range' }>, bound: (v: string) => number): boolean {
  if (node.from !== null) {
    const from = bound(node.from);
    if (node.fromInclusive ? value < from : value <= from) return false;
  }
  if (node.to !== null) {
    const to = bound(node.to);
    if (node.toInclusive ? value > to : value >= to) return false;
  }
  return true;
}

function matchesText(haystack: string, value: string): boolean {
  const words = foldText(value).split(/\s+/).filter(Boolean);
  return words.every((w) => (w.includes('*') ? globToRegExp(`*${w}*`).test(haystack) : haystack.includes(w)));
}

export function matches(node: QueryNode, doc: SearchDocument, now: number): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'and':
      return node.children.every((c) => matches(c, doc, now));
    case 'or':
      return node.children.some((c) => matches(c, doc, now));
    case 'not':
      return !matches(node.child, doc, now);
    case 'range': {
      const date = doc.dates[node.field];
      if (date !== undefined) return compareRange(Date.parse(date), node, (v) => dateBound(v, now));
      const values = doc.fields[node.field] ?? [];
      return values.some((v) => {
        const n = Number(v);
        if (!Number.isNaN(n) && v !== '') return compareRange(n, node, (b) => Number(b));
        return (node.from === null || (node.fromInclusive ? v >= node.from : v > node.from))
          && (node.to === null || (node.toInclusive ? v <= node.to : v < node.to));
      });
    }
    case 'term': {
      if (node.field === null || node.field === 'text') return matchesText(doc.text(), node.value);
      const text = doc.texts[node.field];
      if (text !== undefined) return matchesText(text(), node.value);
      const date = doc.dates[node.field];
      if (date !== undefined) return node.value === '*' || Date.parse(date) === dateBound(node.value, now);
      const values = doc.fields[node.field];
      if (!values) return false; // unknown fields match nothing, as Solr's catch-all dynamic field does
      if (node.value === '*') return values.length > 0;
      if (!node.phrase && node.value.includes('*')) {
        const re = globToRegExp(node.value);
        return values.some((v) => re.test(v));
      }
      const wanted = node.value.toLowerCase();
      return values.some((v) => v.toLowerCase() === wanted);
    }
  }
}
