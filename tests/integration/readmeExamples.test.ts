import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../harness.js';

/**
 * The README's example queries are a contract: each ```graphql block followed by a ```json block is run
 * against the sample data and must return exactly that JSON. A README that drifts from the code fails here.
 */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const examples = [...readme.matchAll(/^#{3,4} (.+)\n(?:(?!^#{1,4} )[\s\S])*?```graphql\n([\s\S]*?)```\s*\n+```json\n([\s\S]*?)```/gm)].map(
  (m) => ({ title: m[1].trim(), query: m[2], expected: JSON.parse(m[3]) }),
);

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('README examples', () => {
  it('there are examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  for (const example of examples) {
    it(example.title, async () => {
      const result = await h.run(example.query);
      // Over HTTP the response is JSON; compare in that form (dates become ISO strings).
      expect(JSON.parse(JSON.stringify(result))).toEqual(example.expected);
    });
  }
});
