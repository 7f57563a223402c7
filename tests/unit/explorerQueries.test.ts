import { describe, expect, it } from 'vitest';
import { parse, validate } from 'graphql';
import { schema } from '../harness.js';
import * as queries from '../../web/src/api/queries.js';

/** Every document the explorer sends is valid against the schema: a schema change that breaks one fails here. */
describe('explorer queries', () => {
  const documents = Object.entries(queries).filter(([, v]) => typeof v === 'string' && /^query /.test(v as string)) as Array<[string, string]>;

  it('are all found', () => {
    expect(documents.length).toBeGreaterThanOrEqual(18);
  });

  it.each(documents)('%s validates', (_name, document) => {
    expect(validate(schema, parse(document)).map((e) => e.message)).toEqual([]);
  });
});
