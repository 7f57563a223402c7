import { describe, expect, it } from 'vitest';
import { LABELS } from '../../src/ids.js';
import { buildSchema } from '../../src/schema.js';
import { graphModelOf } from '../../src/model/graphModel.js';
import { DISPLAY_NAME_MAX, DISPLAY_PROPERTY, displayNameFrom, displayNameOf, displayText } from '../../src/model/displayName.js';

/**
 * The display name rule: one line, at most 80 characters (as a reader counts them), cut at a word where it
 * can be, never inside a character.
 */

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
const characters = (s: string) => [...segmenter.segment(s)].length;
const LONE_SURROGATE = /\p{Cs}/u;

describe('displayText', () => {
  it('keeps a short name as it is', () => {
    expect(displayText('Kupyansk')).toBe('Kupyansk');
    expect(displayText('Куп’янськ')).toBe('Куп’янськ');
  });

  it('puts a text on one line: runs of white space and line breaks become one space, ends trimmed', () => {
    expect(displayText('  Russia claims\n\nfull\tcontrol\r\nof  Kupyansk.  ')).toBe('Russia claims full control of Kupyansk.');
    expect(displayText('a\u00a0\u2028b')).toBe('a b');
  });

  it('keeps exactly 80 characters whole, and cuts 81 to at most 80 ending in …', () => {
    const eighty = 'x'.repeat(80);
    expect(displayText(eighty)).toBe(eighty);
    const cut = displayText('x'.repeat(81));
    expect(cut).toBe(`${'x'.repeat(79)}…`);
    expect(characters(cut)).toBe(DISPLAY_NAME_MAX);
  });

  it('cuts at the last word that fits, when it ends late enough', () => {
    const text =
      'The Western Group of Forces reports that its units have taken full control of the city of Kupyansk on the Oskil river.';
    const shown = displayText(text);
    expect(shown).toBe('The Western Group of Forces reports that its units have taken full control of…');
    expect(characters(shown)).toBeLessThanOrEqual(DISPLAY_NAME_MAX);
    expect(text.startsWith(shown.slice(0, -1))).toBe(true);
  });

  it('keeps a word that ends exactly at the cut', () => {
    // 79 characters, then a space: the 79 are whole words
    const head = `${'abcd '.repeat(15)}abcd`;
    expect(characters(head)).toBe(79);
    expect(displayText(`${head} and more words after it`)).toBe(`${head}…`);
  });

  it('cuts mid-word when the last word boundary is too early (one very long word)', () => {
    const text = `Short ${'Donetskaoblast'.repeat(10)}`;
    const shown = displayText(text);
    expect(shown).toBe(`${[...text].slice(0, 79).join('')}…`);
  });

  it('never splits a character: a flag, an accented letter or an astral one counts as one and stays whole', () => {
    // 70 flags, then words: the 79 kept characters end with "more", a whole word
    const flags = displayText(`${'🇺🇦'.repeat(70)} and more words here`);
    expect(flags).toBe(`${'🇺🇦'.repeat(70)} and more…`);
    expect(LONE_SURROGATE.test(flags)).toBe(false);

    const mixed = displayText('🇺🇦'.repeat(85));
    expect(mixed).toBe(`${'🇺🇦'.repeat(79)}…`);
    // combining accents stay on their letter
    const accented = displayText('e\u0301'.repeat(100));
    expect(accented).toBe(`${'e\u0301'.repeat(79)}…`);
    expect(characters(accented)).toBe(DISPLAY_NAME_MAX);

    const rockets = displayText('🚀'.repeat(100));
    expect(rockets).toBe(`${'🚀'.repeat(79)}…`);
    expect(LONE_SURROGATE.test(rockets)).toBe(false);
  });
});

describe('displayNameFrom and displayNameOf', () => {
  it('fall back to the id when the display property is absent or has nothing but white space', () => {
    expect(displayNameFrom(null, 'actor:nameless')).toBe('actor:nameless');
    expect(displayNameFrom(undefined, 'actor:nameless')).toBe('actor:nameless');
    expect(displayNameFrom(' \n\t ', 'actor:blank')).toBe('actor:blank');
    expect(displayNameFrom(42, 'actor:odd')).toBe('actor:odd');
  });

  it('read each label’s own property: name, title or text, never another', () => {
    const props = { name: 'a name', title: 'a title', text: 'a text' };
    expect(displayNameOf('Actor', 'actor:a', props)).toBe('a name');
    expect(displayNameOf('Unit', 'unit:a', props)).toBe('a name');
    expect(displayNameOf('Place', 'place:a', props)).toBe('a name');
    expect(displayNameOf('Source', 'source:a', props)).toBe('a title');
    expect(displayNameOf('Statement', 'statement:a', props)).toBe('a text');
    // a statement has no name: its text, not a stray property, is shown
    expect(displayNameOf('Statement', 'statement:b', { name: 'x' })).toBe('statement:b');
  });

  it('draws on a required String property of every label in the graph model', () => {
    const model = graphModelOf(buildSchema());
    for (const label of LABELS) {
      const spec = model.nodes.get(label)!.properties.find((p) => p.name === DISPLAY_PROPERTY[label]);
      expect(spec, label).toMatchObject({ kind: 'scalar', scalar: 'string', required: true });
    }
  });
});
