import type { ProblemPath } from './problem.js';

/**
 * What every text claimgraph stores must be, from a mutation, a link's properties or an import alike:
 * well-formed Unicode without control characters (tab, line feed and carriage return excepted), within a
 * length; and where it names or says something (a name, title, text, role, reason, alias), at least one
 * visible character. Also the keys no record may carry.
 */

export const MAX_STRING_LENGTH = 100_000;

/** Control characters (Unicode Cc: C0, DEL, C1) other than tab, line feed and carriage return. */
const CONTROL = /(?![\t\n\r])\p{Cc}/u;
/** A surrogate not paired with its other half: no UTF-8 can encode it (Neo4j would store U+FFFD). */
const LONE_SURROGATE = /\p{Cs}/u;
/**
 * A character that shows: a letter, digit, punctuation or symbol that is not default-ignorable (zero-width
 * spaces and joiners, U+2060, U+FEFF, the Hangul fillers, …) and not the blank Braille pattern.
 */
const VISIBLE = /(?![\p{Default_Ignorable_Code_Point}\u2800])[\p{L}\p{N}\p{P}\p{S}]/u;

/** Property names (and link roles) that name or say something, so must not be blank. */
export const SAY_SOMETHING = new Set(['name', 'title', 'text', 'role', 'retractionReason']);

export interface TextRule {
  /** Most characters (UTF-16 code units) allowed; default MAX_STRING_LENGTH. */
  max?: number;
  /** True where the text must say something: at least one visible character. */
  saySomething?: boolean;
}

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

export function hasVisibleCharacter(text: string): boolean {
  return VISIBLE.test(text);
}

/** Why `text` cannot be stored under `rule`, or null when it can. One reason, the first found. */
export function textProblem(text: string, rule: TextRule = {}): string | null {
  const max = rule.max ?? MAX_STRING_LENGTH;
  if (text.length > max) return `must be at most ${max} characters`;
  const control = CONTROL.exec(text);
  if (control) return `must not contain control characters (found ${codePoint(control[0])} at ${control.index}); only tab and line breaks are allowed`;
  const lone = LONE_SURROGATE.exec(text);
  if (lone) return `must be well-formed Unicode (found a lone surrogate ${codePoint(lone[0])} at ${lone.index})`;
  if (rule.saySomething && !hasVisibleCharacter(text)) return text === '' ? 'must not be empty' : 'must not be blank (it has no visible character)';
  return null;
}

/** Keys refused by name in any record or properties object: copied naively they rewrite an object's prototype. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const forbiddenKeyMessage = (key: string) => `the key "${key}" is not allowed (it names an object's prototype machinery)`;

/**
 * The path of the first forbidden key in a parsed value (own keys, as JSON.parse makes them), looking at
 * most `depth` objects deep: records, their properties and the values inside those are all a record can
 * hold, and a value nested deeper is refused by its property's type anyway. Iterative, so no input can
 * overflow the stack.
 */
export function forbiddenKeyPath(value: unknown, depth = 4): ProblemPath | null {
  if (!value || typeof value !== 'object') return null;
  // Only objects and arrays are visited, each knowing its key and parent: a path is built for a hit alone
  // (a record's values are mostly strings and numbers, and the importer looks at every record).
  let level: Visit[] = [{ value, key: null, up: null }];
  for (let d = 0; d < depth && level.length; d++) {
    const next: Visit[] = [];
    for (const visit of level) {
      const v = visit.value;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const item: unknown = v[i];
          if (item && typeof item === 'object') next.push({ value: item, key: i, up: visit });
        }
        continue;
      }
      for (const key of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(key)) return [...pathTo(visit), key];
        const item = (v as Record<string, unknown>)[key];
        if (item && typeof item === 'object') next.push({ value: item, key, up: visit });
      }
    }
    level = next;
  }
  return null;
}

/** An object or array forbiddenKeyPath looks into: its key in its parent (none for the value given). */
interface Visit {
  value: object;
  key: string | number | null;
  up: Visit | null;
}

function pathTo(visit: Visit): ProblemPath {
  const path: ProblemPath = [];
  for (let at: Visit | null = visit; at && at.key !== null; at = at.up) path.push(at.key);
  return path.reverse();
}
