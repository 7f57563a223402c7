import { badUserInput } from '../../errors.js';
import { apostropheVariants, foldLatin, MAX_QUERY_LENGTH } from './luceneQuery.js';

/**
 * Query.search with `syntax: LUCENE`: a checked subset of Lucene's classic query syntax.
 *
 * The researcher's text is tokenized and parsed here, by hand, and every mistake is refused with a message
 * saying what and at which offset (from 0), before the database is touched. The parse tree is then printed
 * back as a Lucene query of our own making, every word escaped and every group explicit, so what reaches the
 * index never depends on the quirks of Lucene's own parser (its odd AND/OR precedence, its default operator)
 * and can never contain syntax we did not check.
 *
 * Supported: words; "phrases" with optional slop ("a b"~2); AND (&&), OR (||), NOT (!) and the + and -
 * prefixes; parentheses; a trailing wildcard (kup*, from 2 characters); fuzzy words (word~, word~1,
 * word~2; ~ alone means 2 edits, as in Lucene); boosts (^2, ^0.5) on words, phrases and groups; the fields
 * of the `claimgraph_text` index (name:, aliases:, text:, title:, any case) before a word, phrase or group.
 * Backslash escapes any character.
 *
 * Semantics: NOT binds tightest, then AND, then OR, as in ordinary logic. Words side by side must all match,
 * as in PLAIN mode (Lucene's own default would be OR): switching a query to LUCENE never widens it.
 * Matching ignores case and diacritics as PLAIN does: whole words and phrases go through the index's
 * analyzer; wildcard and fuzzy words skip it in Lucene, so they are lowercased and folded here.
 *
 * Refused: leading wildcards (a scan of the whole term dictionary), ? and inner * wildcards, ranges
 * ([a TO b], {a TO b}), regular expressions (/re/), unbalanced quotes or parentheses, dangling operators,
 * empty groups, unknown fields, a NOT or - with nothing to exclude from (Lucene would silently find
 * nothing), more than MAX_SYNTAX_CLAUSES words and phrases, groups nested deeper than MAX_SYNTAX_DEPTH.
 */

/** The properties of the `claimgraph_text` index (src/neo4j/migrations.ts): the only fields a query may name. */
export const SEARCH_FIELDS = ['name', 'aliases', 'text', 'title'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

export const MAX_SYNTAX_CLAUSES = 32;
export const MAX_SYNTAX_DEPTH = 8;
export const MIN_WILDCARD_PREFIX = 2;
export const MAX_PHRASE_SLOP = 10;
export const MAX_BOOST = 100;

export type SyntaxNode =
  | { kind: 'term'; text: string; field?: SearchField; wildcard: boolean; fuzzy?: 1 | 2; boost?: number }
  | { kind: 'phrase'; text: string; field?: SearchField; slop?: number; boost?: number }
  | { kind: 'and'; items: Array<{ node: SyntaxNode; negated: boolean }>; boost?: number }
  | { kind: 'or'; items: SyntaxNode[]; boost?: number };

// ---------------------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { type: 'word'; offset: number; chars: Array<{ c: string; escaped: boolean }> }
  | { type: 'phrase'; offset: number; text: string }
  | { type: 'field'; offset: number; name: SearchField }
  | { type: 'and' | 'or' | 'not' | 'plus' | 'minus' | 'open' | 'close'; offset: number; text: string }
  | { type: 'fuzzy'; offset: number; value: string }
  | { type: 'boost'; offset: number; value: string };

/** Characters that end a word (besides whitespace); + - ! * ? may appear inside one. */
const WORD_END = new Set(['(', ')', '{', '}', '[', ']', '^', '"', '~', ':', '/']);
const isSpace = (c: string) => /\s/u.test(c);

class SyntaxMistake {
  constructor(
    readonly offset: number,
    readonly what: string,
  ) {}
}

/** Where a mistake is: thrown inside the module, turned into BAD_USER_INPUT at its edge. */
function fail(offset: number, what: string): never {
  throw new SyntaxMistake(offset, what);
}

const NUMBER = /^\d+(\.\d+)?/;

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  // A modifier (~, ^) or a field's colon belongs to what it directly follows, without whitespace.
  const attached = () => i > 0 && !isSpace(query[i - 1]) && tokens.length > 0;
  while (i < query.length) {
    const c = query[i];
    const start = i;
    if (isSpace(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'open' : 'close', offset: i, text: c });
      i++;
    } else if (c === '[' || c === ']' || c === '{' || c === '}') {
      fail(i, `range queries ([a TO b], {a TO b}) are not supported; "${c}" found`);
    } else if (c === '/') {
      fail(i, 'regular expressions (/re/) are not supported; escape a literal / as \\/');
    } else if (c === '"') {
      let text = '';
      i++;
      for (;;) {
        if (i >= query.length) fail(start, 'the phrase opened here has no closing quote');
        const d = query[i];
        if (d === '"') break;
        if (d === '\\') {
          if (i + 1 >= query.length) fail(i, 'a backslash must escape a character');
          text += query[i + 1];
          i += 2;
        } else {
          text += d;
          i++;
        }
      }
      i++;
      if (text.trim().length === 0) fail(start, 'the phrase is empty');
      tokens.push({ type: 'phrase', offset: start, text });
    } else if (c === '~' || c === '^') {
      const prev = tokens[tokens.length - 1];
      const canCarry = prev && (prev.type === 'word' || prev.type === 'phrase' || prev.type === 'close' || prev.type === 'fuzzy' || prev.type === 'boost');
      if (!attached() || !canCarry) fail(i, `"${c}" must directly follow a word${c === '^' ? ', phrase or group' : ' or phrase'}`);
      const value = NUMBER.exec(query.slice(i + 1))?.[0] ?? '';
      if (c === '^' && value === '') fail(i, '"^" must be followed by a positive number, like ^2 or ^0.5');
      tokens.push(c === '~' ? { type: 'fuzzy', offset: i, value } : { type: 'boost', offset: i, value });
      i += 1 + value.length;
    } else if (c === ':') {
      fail(i, '":" must directly follow a field name: name, aliases, text or title');
    } else if (query.startsWith('&&', i) || query.startsWith('||', i)) {
      tokens.push({ type: c === '&' ? 'and' : 'or', offset: i, text: query.slice(i, i + 2) });
      i += 2;
    } else if (c === '+' || c === '-' || c === '!') {
      tokens.push({ type: c === '+' ? 'plus' : c === '-' ? 'minus' : 'not', offset: i, text: c });
      i++;
    } else {
      const chars: Array<{ c: string; escaped: boolean }> = [];
      while (i < query.length) {
        const d = query[i];
        if (isSpace(d) || WORD_END.has(d) || query.startsWith('&&', i) || query.startsWith('||', i)) break;
        if (d === '\\') {
          if (i + 1 >= query.length) fail(i, 'a backslash must escape a character');
          // Whole code points, so an escaped non-BMP character stays one character.
          const cp = String.fromCodePoint(query.codePointAt(i + 1)!);
          chars.push({ c: cp, escaped: true });
          i += 1 + cp.length;
        } else {
          chars.push({ c: d, escaped: false });
          i++;
        }
      }
      if (query[i] === '/') fail(i, 'regular expressions (/re/) are not supported; escape a literal / as \\/');
      const raw = chars.map((x) => (x.escaped ? `\\${x.c}` : x.c)).join('');
      if (query[i] === ':') {
        const name = raw.toLowerCase();
        if (!(SEARCH_FIELDS as readonly string[]).includes(name)) {
          fail(start, `unknown field "${raw}"; the fields are ${SEARCH_FIELDS.join(', ')}`);
        }
        tokens.push({ type: 'field', offset: start, name: name as SearchField });
        i++;
      } else if (raw === 'AND' || raw === 'OR' || raw === 'NOT') {
        tokens.push({ type: raw === 'AND' ? 'and' : raw === 'OR' ? 'or' : 'not', offset: start, text: raw });
      } else {
        tokens.push({ type: 'word', offset: start, chars });
      }
    }
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------------------
// Parser: or := and (OR and)*; and := unary ((AND)? unary)*; unary := (NOT|!|-|+)? primary;
// primary := field? (word | phrase | '(' or ')') modifiers

const OPERAND_START = new Set<Token['type']>(['word', 'phrase', 'field', 'open', 'not', 'minus', 'plus']);

function describe(token: Token | undefined): string {
  if (!token) return 'the end of the query';
  switch (token.type) {
    case 'word':
      return `"${token.chars.map((x) => x.c).join('')}" at offset ${token.offset}`;
    case 'phrase':
      return `a phrase at offset ${token.offset}`;
    case 'field':
      return `field ${token.name}: at offset ${token.offset}`;
    case 'fuzzy':
      return `"~" at offset ${token.offset}`;
    case 'boost':
      return `"^" at offset ${token.offset}`;
    default:
      return `"${token.text}" at offset ${token.offset}`;
  }
}

class Parser {
  private at = 0;
  private clauses = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private next(): Token {
    return this.tokens[this.at++];
  }

  parse(): SyntaxNode {
    const first = this.peek();
    if (first && (first.type === 'and' || first.type === 'or')) fail(first.offset, `"${first.text}" has nothing before it`);
    const node = this.or(0, undefined);
    const rest = this.peek();
    if (rest) {
      if (rest.type === 'close') fail(rest.offset, '")" closes a group that was never opened');
      fail(rest.offset, `unexpected ${describe(rest)}`);
    }
    return node;
  }

  /** After an operator, the next token must begin an operand. */
  private expectOperand(operator: Token & { text: string }): void {
    const next = this.peek();
    if (!next || !OPERAND_START.has(next.type)) {
      fail(operator.offset, `"${operator.text}" must be followed by a word, phrase or group, not by ${describe(next)}`);
    }
  }

  private or(depth: number, field: SearchField | undefined): SyntaxNode {
    const items = [this.and(depth, field)];
    while (this.peek()?.type === 'or') {
      const op = this.next() as Token & { text: string };
      this.expectOperand(op);
      items.push(this.and(depth, field));
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  private and(depth: number, field: SearchField | undefined): SyntaxNode {
    const items: Array<{ node: SyntaxNode; negated: boolean; offset: number }> = [this.unary(depth, field)];
    for (;;) {
      const token = this.peek();
      if (token?.type === 'and') {
        this.next();
        this.expectOperand(token);
      } else if (!token || !OPERAND_START.has(token.type)) {
        break;
      }
      items.push(this.unary(depth, field));
    }
    // Lucene finds nothing for a group of exclusions alone; say so instead of silently returning nothing.
    if (items.every((item) => item.negated)) {
      fail(items[0].offset, 'NOT or - needs something to exclude from, like kupyansk AND NOT cemetery');
    }
    if (items.length === 1) return items[0].node;
    return { kind: 'and', items: items.map(({ node, negated }) => ({ node, negated })) };
  }

  private unary(depth: number, field: SearchField | undefined): { node: SyntaxNode; negated: boolean; offset: number } {
    const token = this.peek()!;
    if (token.type === 'not' || token.type === 'minus' || token.type === 'plus') {
      this.next();
      const next = this.peek();
      if (!next || !OPERAND_START.has(next.type) || next.type === 'not' || next.type === 'minus' || next.type === 'plus') {
        fail(token.offset, `"${token.text}" must be followed by a word, phrase or group, not by ${describe(next)}`);
      }
      return { node: this.primary(depth, field), negated: token.type !== 'plus', offset: token.offset };
    }
    return { node: this.primary(depth, field), negated: false, offset: token.offset };
  }

  private primary(depth: number, inherited: SearchField | undefined): SyntaxNode {
    let token = this.next();
    let field = inherited;
    if (token.type === 'field') {
      if (inherited) fail(token.offset, `field ${token.name}: inside a group already restricted to ${inherited}:`);
      field = token.name;
      const next = this.peek();
      if (!next || !(next.type === 'word' || next.type === 'phrase' || next.type === 'open')) {
        fail(token.offset, `field ${token.name}: must be followed by a word, phrase or group, not by ${describe(next)}`);
      }
      token = this.next();
    }
    let node: SyntaxNode;
    if (token.type === 'word') {
      node = this.word(token, field);
    } else if (token.type === 'phrase') {
      if (++this.clauses > MAX_SYNTAX_CLAUSES) fail(token.offset, `more than ${MAX_SYNTAX_CLAUSES} words and phrases`);
      node = { kind: 'phrase', text: token.text, ...(field ? { field } : {}) };
    } else if (token.type === 'open') {
      if (depth + 1 > MAX_SYNTAX_DEPTH) fail(token.offset, `groups nested deeper than ${MAX_SYNTAX_DEPTH}`);
      const inside = this.peek();
      if (!inside) fail(token.offset, 'the group opened here is never closed');
      if (inside.type === 'close') fail(token.offset, 'the group is empty');
      if (inside.type === 'and' || inside.type === 'or') fail(inside.offset, `"${inside.text}" has nothing before it`);
      node = this.or(depth + 1, field);
      const close = this.peek();
      if (close?.type !== 'close') {
        if (!close) fail(token.offset, 'the group opened here is never closed');
        fail(close.offset, `unexpected ${describe(close)}`);
      }
      this.next();
    } else if (token.type === 'close') {
      fail(token.offset, '")" closes a group that was never opened');
    } else {
      fail(token.offset, `unexpected ${describe(token)}`);
    }
    return this.modifiers(node, token);
  }

  private word(token: Extract<Token, { type: 'word' }>, field: SearchField | undefined): SyntaxNode {
    const { chars, offset } = token;
    let text = '';
    let wildcard = false;
    for (let k = 0; k < chars.length; k++) {
      const { c, escaped } = chars[k];
      const where = offset + chars.slice(0, k).reduce((n, x) => n + (x.escaped ? 1 : 0) + x.c.length, 0);
      if (!escaped && c === '?') fail(where, '"?" wildcards are not supported; use a trailing * or a fuzzy word~');
      if (!escaped && c === '*') {
        if (k === 0) fail(where, 'a leading wildcard is not supported: it would scan every indexed word');
        if (k !== chars.length - 1) fail(where, 'a wildcard * is only supported at the end of a word');
        if ([...text].length < MIN_WILDCARD_PREFIX) fail(where, `a wildcard needs at least ${MIN_WILDCARD_PREFIX} characters before *`);
        wildcard = true;
        continue;
      }
      text += c;
    }
    if (++this.clauses > MAX_SYNTAX_CLAUSES) fail(offset, `more than ${MAX_SYNTAX_CLAUSES} words and phrases`);
    return { kind: 'term', text, wildcard, ...(field ? { field } : {}) };
  }

  /** ~ and ^ after what they modify, each at most once. */
  private modifiers(node: SyntaxNode, start: Token): SyntaxNode {
    let fuzzySeen = false;
    let boostSeen = false;
    for (let token = this.peek(); token?.type === 'fuzzy' || token?.type === 'boost'; token = this.peek()) {
      this.next();
      if (token.type === 'fuzzy') {
        if (fuzzySeen) fail(token.offset, '"~" is given twice');
        fuzzySeen = true;
        if (node.kind === 'term') {
          if (node.wildcard) fail(token.offset, 'a word cannot be both a wildcard and fuzzy');
          if (token.value !== '' && token.value !== '1' && token.value !== '2') fail(token.offset, 'a fuzzy word takes ~, ~1 or ~2 edits');
          node.fuzzy = token.value === '1' ? 1 : 2;
        } else if (node.kind === 'phrase') {
          if (!/^\d+$/.test(token.value)) fail(token.offset, 'a phrase takes a whole number of slop, like "a b"~2');
          const slop = Number(token.value);
          if (slop > MAX_PHRASE_SLOP) fail(token.offset, `phrase slop is at most ${MAX_PHRASE_SLOP}`);
          node.slop = slop;
        } else {
          fail(token.offset, `"~" applies to a word or phrase, not to the group at offset ${start.offset}`);
        }
      } else {
        if (boostSeen) fail(token.offset, '"^" is given twice');
        boostSeen = true;
        const boost = Number(token.value);
        if (!(boost > 0) || boost > MAX_BOOST) fail(token.offset, `a boost is a number above 0 and at most ${MAX_BOOST}`);
        // A group whose single item already carries a boost is wrapped, so both boosts apply as Lucene's do.
        if (node.boost !== undefined) node = { kind: 'and', items: [{ node, negated: false }] };
        node.boost = boost;
      }
    }
    return node;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Printer

const LUCENE_SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/\s]/g;
const APOSTROPHES = /['\u2019\u2018\u02BC\u02B9\u2032\u00B4\u0060\uFF07\u201B]/g;
const escapeTerm = (s: string) => s.replace(LUCENE_SPECIAL, (c) => `\\${c}`);
const escapePhrase = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
const boostOf = (node: { boost?: number }) => (node.boost === undefined ? '' : `^${node.boost}`);

/** Lowercased with apostrophes unified, as PLAIN mode reads words: the analyzer then sees the same text. */
const normalize = (text: string) => text.normalize('NFC').replace(APOSTROPHES, "'").toLowerCase();

/** One clause per apostrophe spelling, OR-ed, with the node's boost on the whole. */
function alternatives(clauses: string[], boost: string): string {
  if (clauses.length === 1) return `${clauses[0]}${boost}`;
  return `(${clauses.join(' OR ')})${boost}`;
}

export function printLuceneSyntax(node: SyntaxNode): string {
  switch (node.kind) {
    case 'term': {
      const prefix = node.field ? `${node.field}:` : '';
      // Wildcard and fuzzy words skip the analyzer, so they are folded as the index folded its words.
      // Lowercasing also keeps an escaped word like \AND from printing as an operator.
      const fold = node.wildcard || node.fuzzy ? foldLatin : (s: string) => s;
      const suffix = node.wildcard ? '*' : node.fuzzy ? `~${node.fuzzy}` : '';
      const variants = apostropheVariants(normalize(node.text)).map((v) => `${prefix}${escapeTerm(fold(v))}${suffix}`);
      return alternatives(variants, boostOf(node));
    }
    case 'phrase': {
      const prefix = node.field ? `${node.field}:` : '';
      const slop = node.slop === undefined ? '' : `~${node.slop}`;
      const variants = apostropheVariants(normalize(node.text)).map((v) => `${prefix}${escapePhrase(v)}${slop}`);
      return alternatives(variants, boostOf(node));
    }
    case 'and':
      // +/- prefixes make every clause's role explicit, whatever Lucene's default operator.
      return `(${node.items.map(({ node: item, negated }) => `${negated ? '-' : '+'}${printLuceneSyntax(item)}`).join(' ')})${boostOf(node)}`;
    case 'or':
      return `(${node.items.map(printLuceneSyntax).join(' OR ')})${boostOf(node)}`;
  }
}

/**
 * Parses `query` in the supported subset. Empty, too long or malformed queries are BAD_USER_INPUT naming
 * `argument`, with what is wrong and the offset where.
 */
export function parseLuceneSyntax(query: string, argument = 'query'): SyntaxNode {
  if (query.trim().length === 0) throw badUserInput(`${argument} must contain something to search for.`, argument);
  if (query.length > MAX_QUERY_LENGTH) {
    throw badUserInput(`${argument} must be at most ${MAX_QUERY_LENGTH} characters; got ${query.length}.`, argument);
  }
  try {
    return new Parser(tokenize(query)).parse();
  } catch (error) {
    if (error instanceof SyntaxMistake) {
      throw badUserInput(`${argument} (LUCENE syntax) at offset ${error.offset}: ${error.what}.`, argument);
    }
    throw error;
  }
}

/** The checked Lucene query for the `claimgraph_text` index that `query`, in LUCENE syntax, stands for. */
export function luceneSyntaxQuery(query: string, argument = 'query'): string {
  return printLuceneSyntax(parseLuceneSyntax(query, argument));
}
