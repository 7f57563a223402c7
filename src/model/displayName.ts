import type { Label } from '../ids.js';

/**
 * One display name per node, the same wherever a node is shown: `displayName` in the API, `label` in
 * GraphML, GEXF and Cytoscape exports. It is the node's name (Actor, Unit, Place), title (Source) or text
 * (Statement), on one line (runs of white space, line breaks included, become one space) and at most
 * DISPLAY_NAME_MAX characters: a longer one is cut, at a word where one ends near the limit, and ends in
 * "…". A node without that property, or with nothing but white space in it (only possible in data
 * written around claimgraph), shows its id.
 */

export const DISPLAY_PROPERTY: Readonly<Record<Label, 'name' | 'title' | 'text'>> = {
  Actor: 'name',
  Unit: 'name',
  Place: 'name',
  Source: 'title',
  Statement: 'text',
};

/** Most characters (user-perceived: a flag or an accented letter is one) in a display name, "…" included. */
export const DISPLAY_NAME_MAX = 80;
/** A cut at a word boundary keeps at least this many characters; otherwise the cut is mid-word. */
const WORD_CUT_MIN = 60;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The first `n` characters of `text` (grapheme clusters, so a cut never splits one), read lazily. */
function firstCharacters(text: string, n: number): string[] {
  const out: string[] = [];
  for (const { segment } of graphemes.segment(text)) {
    if (out.length === n) break;
    out.push(segment);
  }
  return out;
}

/** The display text of a name, title or text: one line, at most DISPLAY_NAME_MAX characters. */
export function displayText(raw: string): string {
  const line = raw.replace(/\s+/gu, ' ').trim();
  const chars = firstCharacters(line, DISPLAY_NAME_MAX + 1);
  if (chars.length <= DISPLAY_NAME_MAX) return line;
  let kept = chars.slice(0, DISPLAY_NAME_MAX - 1);
  const lastSpace = kept.lastIndexOf(' ');
  // A space right after the cut means the cut already falls at a word's end.
  if (chars[DISPLAY_NAME_MAX - 1] !== ' ' && lastSpace >= WORD_CUT_MIN) kept = kept.slice(0, lastSpace);
  return `${kept.join('').trimEnd()}…`;
}

/** The display name of a node from the value of its display property (absent: null) and its id. */
export function displayNameFrom(value: unknown, id: string): string {
  const text = typeof value === 'string' ? displayText(value) : '';
  return text === '' ? id : text;
}

/** The display name of a node from its (bundle-form) properties. */
export function displayNameOf(label: Label, id: string, properties: Readonly<Record<string, unknown>>): string {
  return displayNameFrom(properties[DISPLAY_PROPERTY[label]], id);
}
