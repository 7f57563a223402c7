import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/schema.js';
import { buildGraphModel } from '../../src/model/graphModel.js';
import { forbiddenKeyPath, hasVisibleCharacter, MAX_STRING_LENGTH, textProblem } from '../../src/validation/textRules.js';
import { checkProperties } from '../../src/validation/propertyRules.js';

/** The text rules every stored string follows (mutations, link properties and imports alike), and the keys no record may hold. */

const model = buildGraphModel(buildSchema());
const specs = (label: 'Actor' | 'Statement' | 'Source' | 'Place') => model.nodes.get(label)!.properties;

describe('textProblem', () => {
  it.each([
    ['NUL', '\u0000'],
    ['ESC', 'a\u001bb'],
    ['BEL', 'bell\u0007'],
    ['vertical tab', 'a\u000bb'],
    ['form feed', 'a\u000cb'],
    ['DEL', 'a\u007fb'],
    ['C1 NEL', 'a\u0085b'],
    ['C1 CSI', '\u009b31m'],
  ])('refuses the control character %s', (_name, text) => {
    expect(textProblem(text)).toMatch(/control character/);
  });

  it('names the control character and where it is', () => {
    expect(textProblem('ab\u001bc')).toMatch(/U\+001B at 2/);
  });

  it('allows tab, line feed and carriage return', () => {
    expect(textProblem('a\tb\nc\r\nd')).toBeNull();
  });

  it.each([
    ['a high surrogate alone', '\ud800'],
    ['a low surrogate alone', 'x\udc00y'],
    ['two high surrogates', '\ud83d\ud83d'],
    ['a low before a high', '\ude00\ud83d'],
  ])('refuses %s', (_name, text) => {
    expect(textProblem(text)).toMatch(/lone surrogate/);
  });

  it('allows a surrogate pair (an emoji, a rare CJK character)', () => {
    expect(textProblem('\ud83d\ude00 𠀀')).toBeNull();
  });

  it('refuses text over the length, counted in UTF-16 code units', () => {
    expect(textProblem('x'.repeat(MAX_STRING_LENGTH))).toBeNull();
    expect(textProblem('x'.repeat(MAX_STRING_LENGTH + 1))).toMatch(/at most/);
    expect(textProblem('x'.repeat(501), { max: 500 })).toMatch(/at most 500/);
  });

  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['tab and newlines', '\t\n\r\n'],
    ['no-break and ideographic spaces', '\u00a0\u3000\u2003'],
    ['zero-width space', '\u200b'],
    ['zero-width non-joiner and joiner', '\u200c\u200d'],
    ['word joiner', '\u2060'],
    ['byte-order mark', '\ufeff'],
    ['soft hyphen', '\u00ad'],
    ['bidi marks and isolates', '\u200e\u200f\u2066\u2069'],
    ['Hangul filler', '\u3164'],
    ['blank Braille pattern', '\u2800'],
    ['a variation selector', '\ufe0f'],
    ['a combining mark alone', '\u0301'],
    ['a tag character', '\u{E0041}'],
    ['a mix of all of them', ' \u200b\ufeff\u2060\u3164 '],
  ])('refuses a name with no visible character: %s', (_name, text) => {
    expect(textProblem(text, { saySomething: true })).toMatch(/empty|blank/);
    expect(hasVisibleCharacter(text)).toBe(false);
  });

  it.each([
    ['Latin', 'Kupyansk'],
    ['Cyrillic', 'Куп\u2019янськ'],
    ['digits', '13'],
    ['punctuation', '?'],
    ['a symbol', '€'],
    ['an emoji', '\ud83d\ude00'],
    ['Arabic', 'كوبيانسك'],
    ['CJK', '库皮扬斯克'],
    ['a letter wrapped in zero-width characters', '\u200bA\u200b'],
  ])('accepts a name with a visible character: %s', (_name, text) => {
    expect(textProblem(text, { saySomething: true })).toBeNull();
  });

  it('allows blank text where nothing must be said (a description)', () => {
    expect(textProblem('   ')).toBeNull();
    expect(textProblem('\u200b')).toBeNull();
  });
});

describe('forbiddenKeyPath', () => {
  it('finds __proto__, constructor and prototype as own keys at any level a record has', () => {
    expect(forbiddenKeyPath(JSON.parse('{"__proto__": {"x": 1}}'))).toEqual(['__proto__']);
    expect(forbiddenKeyPath(JSON.parse('{"properties": {"name": "x", "constructor": 1}}'))).toEqual(['properties', 'constructor']);
    expect(forbiddenKeyPath(JSON.parse('{"properties": {"statedAt": {"prototype": "2024"}}}'))).toEqual(['properties', 'statedAt', 'prototype']);
    expect(forbiddenKeyPath(JSON.parse('{"properties": {"aliases": [{"__proto__": 1}]}}'))).toEqual(['properties', 'aliases', 0, '__proto__']);
  });

  it('sees a key made by a GraphQL literal (an object without prototype)', () => {
    const value = Object.create(null) as Record<string, unknown>;
    value.__proto__ = { role: 'x' };
    expect(forbiddenKeyPath(value)).toEqual(['__proto__']);
  });

  it('finds nothing in ordinary records, and values named like the keys are fine', () => {
    expect(forbiddenKeyPath({ label: 'Actor', id: 'actor:x', properties: { name: '__proto__', description: 'constructor' } })).toBeNull();
    expect(forbiddenKeyPath(null)).toBeNull();
    expect(forbiddenKeyPath('__proto__')).toBeNull();
  });

  it('names the path through arrays and objects to a hit, and looks only as deep as a record goes', () => {
    expect(forbiddenKeyPath(JSON.parse('{"properties": {"aliases": ["a", {"x": 1}, {"y": 2, "prototype": 3}]}}'))).toEqual(['properties', 'aliases', 2, 'prototype']);
    expect(forbiddenKeyPath(JSON.parse('[[{"constructor": 1}]]'))).toEqual([0, 0, 'constructor']);
    // the fourth object down is looked into, the fifth is not (its property's type refuses it anyway)
    expect(forbiddenKeyPath(JSON.parse('{"a": {"b": {"c": {"__proto__": 1}}}}'))).toEqual(['a', 'b', 'c', '__proto__']);
    expect(forbiddenKeyPath(JSON.parse('{"a": {"b": {"c": {"d": {"__proto__": 1}}}}}'))).toBeNull();
  });

  it('walks iteratively: a value nested 100,000 deep does not overflow the stack', () => {
    let deep: unknown = { end: true };
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(forbiddenKeyPath(deep)).toBeNull();
  });
});

describe('checkProperties applies the text rules to every string', () => {
  const day = (d: string, raw?: string) => ({ start: d, end: d, precision: 'DAY', ...(raw === undefined ? {} : { raw }) });
  const statement = { text: 'A claim.', kind: 'CONTROL', statedAt: day('2024-12-16') };
  const paths = (label: 'Actor' | 'Statement' | 'Source' | 'Place', props: unknown) => checkProperties(specs(label), props).problems.map((p) => p.path.join('.'));

  it("a partial date's raw: NUL, ESC and lone surrogates are refused, and it is at most 500 characters", () => {
    expect(paths('Statement', { ...statement, statedAt: day('2024-12-16', 'yester\u0000day') })).toEqual(['statedAt.raw']);
    expect(paths('Statement', { ...statement, statedAt: day('2024-12-16', '\u001b[31m') })).toEqual(['statedAt.raw']);
    expect(paths('Statement', { ...statement, statedAt: day('2024-12-16', 'x\ud800') })).toEqual(['statedAt.raw']);
    expect(paths('Statement', { ...statement, statedAt: day('2024-12-16', 'x'.repeat(501)) })).toEqual(['statedAt.raw']);
    expect(paths('Statement', { ...statement, statedAt: day('2024-12-16', 'last Monday') })).toEqual([]);
  });

  it('names, titles, texts, reasons and aliases must say something; descriptions and notes may be blank but clean', () => {
    expect(paths('Actor', { kind: 'PERSON', name: '\u200b', aliases: ['ok', '\ufeff'], description: ' ' })).toEqual(['name', 'aliases.1']);
    expect(paths('Source', { kind: 'ARTICLE', title: '\u2060\u00a0' })).toEqual(['title']);
    expect(paths('Statement', { ...statement, text: '\u200c', note: '\u0007', retractedAt: '2024-12-20T10:00:00Z', retractionReason: ' \u200d ' }).sort()).toEqual(['note', 'retractionReason', 'text']);
  });

  it('a URL is http(s) and clean', () => {
    expect(paths('Source', { kind: 'ARTICLE', title: 'T', url: 'https://example.org/\u0000' })).toEqual(['url']);
    expect(paths('Source', { kind: 'ARTICLE', title: 'T', url: 'javascript:alert(1)' })).toEqual(['url']);
  });

  it('numbers are finite: Infinity (what JSON reads 1e400 as) is refused everywhere', () => {
    expect(paths('Place', { kind: 'CITY', name: 'P', areaKm2: Infinity })).toEqual(['areaKm2']);
    expect(paths('Place', { kind: 'CITY', name: 'P', location: { latitude: NaN, longitude: 1 } })).toEqual(['location.latitude']);
    const geolocated = model.edges.get('GEOLOCATED_AT')!.properties;
    expect(checkProperties(geolocated, { offsetM: Infinity, bearing: -Infinity }).problems.map((p) => p.path.join('.')).sort()).toEqual(['bearing', 'offsetM']);
  });

  it('link properties: a membership role must say something, and must not end before it starts', () => {
    const member = model.edges.get('MEMBER_OF')!.properties;
    const month = (m: string) => ({ start: `2024-${m}-01`, end: `2024-${m}-28`, precision: 'MONTH' });
    expect(checkProperties(member, { role: '\u200b \u200b', from: month('05'), to: month('01') }).problems.map((p) => p.path.join('.')).sort()).toEqual(['role', 'to']);
  });

  it('refuses forbidden keys by name, before anything else', () => {
    const problems = checkProperties(specs('Actor'), JSON.parse('{"kind":"PERSON","name":"A","__proto__":{"side":"UA"}}')).problems;
    expect(problems).toEqual([expect.objectContaining({ path: ['__proto__'], message: expect.stringContaining('"__proto__" is not allowed') })]);
  });
});
