import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { idPrefix, LABELS, labelOfId, MAX_ID_LENGTH, requireLabelOfId } from '../../src/ids.js';

/** Ids look like place:kupyansk: a type prefix, a colon, then lowercase letters, digits and hyphens. */

describe('labelOfId', () => {
  it.each([
    ['actor:leonid-sharov', 'Actor'],
    ['unit:6th-combined-arms-army', 'Unit'],
    ['place:kupyansk', 'Place'],
    ['statement:wgf-full-control-2024-12-16', 'Statement'],
    ['source:report-kupyansk', 'Source'],
    ['place:a', 'Place'],
    ['place:2024', 'Place'],
  ])('%s is a %s', (id, label) => {
    expect(labelOfId(id)).toBe(label);
  });

  it.each([
    'kupyansk',
    'place:Kupyansk',
    'Place:kupyansk',
    'place:',
    ':kupyansk',
    'place:-kupyansk',
    'place:kupyansk-',
    'place:kup--yansk',
    'place:kup_yansk',
    'place:kup yansk',
    'place:kupyansk ',
    ' place:kupyansk',
    'place:kupyansk\n',
    'place:kup:yansk',
    'planet:earth',
    'node:x',
    'place:куп',
    '',
  ])('%j is not an id', (id) => {
    expect(labelOfId(id)).toBeNull();
  });

  it(`allows ids up to ${MAX_ID_LENGTH} characters and no longer`, () => {
    const at = `place:${'a'.repeat(MAX_ID_LENGTH - 'place:'.length)}`;
    expect(at).toHaveLength(MAX_ID_LENGTH);
    expect(labelOfId(at)).toBe('Place');
    expect(labelOfId(`${at}a`)).toBeNull();
    expect(labelOfId('x'.repeat(500))).toBeNull();
  });
});

describe('requireLabelOfId', () => {
  it('returns the label of a well-formed id', () => {
    expect(requireLabelOfId('source:report-kupyansk', 'id')).toBe('Source');
  });

  it.each(['kupyansk', 'place:Kupyansk', 'place:', 'x'.repeat(500)])('throws BAD_USER_INPUT naming the argument for %j', (id) => {
    let caught: unknown;
    try {
      requireLabelOfId(id, 'ids');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GraphQLError);
    const error = caught as GraphQLError;
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.argument).toBe('ids');
    expect(error.message.length).toBeLessThan(300);
  });
});

describe('idPrefix', () => {
  it('is the lowercase label, and labelOfId reads it back', () => {
    for (const label of LABELS) {
      expect(idPrefix(label)).toBe(label.toLowerCase());
      expect(labelOfId(`${idPrefix(label)}:x`)).toBe(label);
    }
  });
});
