import { describe, expect, it } from 'vitest';
import { MAX_SLUG_LENGTH, mintId, slugOf } from '../../src/domain/node/mintId.js';
import { labelOfId, MAX_ID_LENGTH } from '../../src/ids.js';

/** Ids minted for nodes created without one: <prefix>:<slug of the name>-<6 random characters>. */

describe('slugOf', () => {
  it.each([
    ['Kupyansk', 'kupyansk'],
    ['6th Combined Arms Army', '6th-combined-arms-army'],
    ["Куп'янськ", 'kupiansk'],
    ['Леонід Шаров', 'leonid-sharov'],
    ['Kupiánsk  —  Yubileiny St.', 'kupiansk-yubileiny-st'],
    ['!!!', ''],
    ['', ''],
  ])('%j → %j', (text, slug) => {
    expect(slugOf(text)).toBe(slug);
  });

  it('cuts a long text at a word, never beyond the limit', () => {
    const slug = slugOf('Russia’s 6th Combined Arms Army has full control of Kupyansk, the Western Group of Forces said.');
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(slug).toBe('russias-6th-combined-arms-army-has-full-control');
    expect(slugOf('x'.repeat(200))).toBe('x'.repeat(MAX_SLUG_LENGTH));
  });
});

describe('mintId', () => {
  it('makes a valid id of the label, from the name, with a random suffix', () => {
    const id = mintId('Actor', 'Leonid Sharov');
    expect(id).toMatch(/^actor:leonid-sharov-[a-z0-9]{6}$/);
    expect(labelOfId(id)).toBe('Actor');
    expect(mintId('Statement', '')).toMatch(/^statement:[a-z0-9]{6}$/);
  });

  it('gives two nodes with the same name different ids', () => {
    const ids = new Set(Array.from({ length: 200 }, () => mintId('Place', 'Kupyansk')));
    expect(ids.size).toBe(200);
  });

  it('stays within the id length limit for any name', () => {
    const id = mintId('Statement', 'word '.repeat(500));
    expect(id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
    expect(labelOfId(id)).toBe('Statement');
  });
});
