import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { createHarness, silentLog, testConfig, type Harness } from '../harness.js';
import type { Principal } from '../../src/auth/principal.js';

/**
 * The example queries of the README and of docs/ are a contract: every ```graphql block directly followed by a ```json block
 * is run against the sample data and must return exactly that JSON. When two ```json blocks follow the
 * query, the first holds its variables. A README that drifts from the code fails here.
 */
/** The README and its guides, in reading order: later examples may build on what earlier ones wrote. */
const GUIDES = ['README.md', 'docs/access-control.md', 'docs/querying.md', 'docs/writing.md', 'docs/exchange.md', 'docs/operations.md'];
const readme = GUIDES.map((file) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')).join('\n');

interface Example {
  title: string;
  query: string;
  variables?: Record<string, unknown>;
  expected: unknown;
}

function examplesOf(text: string): Example[] {
  const examples: Example[] = [];
  // Sections start at ### or #### headings; a section's examples are numbered after it.
  const sections = text.split(/^(?=#{2,4} )/m);
  for (const section of sections) {
    const title = /^#{2,4} (.+)/.exec(section)?.[1].trim() ?? '(preamble)';
    const pairs = section.matchAll(/```graphql\n([\s\S]*?)```\s*\n```json\n([\s\S]*?)```(?:\s*\n```json\n([\s\S]*?)```)?/g);
    let n = 0;
    for (const [, query, first, second] of pairs) {
      n += 1;
      examples.push({
        title: `${title} #${n}`,
        query,
        variables: second === undefined ? undefined : JSON.parse(first),
        expected: JSON.parse(second ?? first),
      });
    }
  }
  return examples;
}

const examples = examplesOf(readme);

// The README shows the read-only Cypher endpoint switched on, as its section says to start the server.
const config: Config = { ...testConfig, CLAIMGRAPH_CYPHER_ENDPOINT: 'on' };
// …and runs its examples with an admin key named analyst (the change log's `who` in them says so).
const README_PRINCIPAL: Principal = { kind: 'key', name: 'key:analyst', role: 'admin', clearance: 'RED' };
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('README examples', () => {
  it('there are examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(20);
  });

  it('the parser finds every pair, and a variables block when there is one', () => {
    const found = examplesOf(
      '### A\n```graphql\n{ a }\n```\n\n```json\n{ "a": 1 }\n```\ntext\n```graphql\nquery ($x: Int) { b(x: $x) }\n```\n```json\n{ "x": 2 }\n```\n```json\n{ "b": 2 }\n```\n#### B\n```graphql\n{ c }\n```\nnot a pair\n```json\n{}\n```\n',
    );
    expect(found).toEqual([
      { title: 'A #1', query: '{ a }\n', variables: undefined, expected: { a: 1 } },
      { title: 'A #2', query: 'query ($x: Int) { b(x: $x) }\n', variables: { x: 2 }, expected: { b: 2 } },
    ]);
  });

  for (const example of examples) {
    it(example.title, async () => {
      const response = await h.apollo.executeOperation(
        { query: example.query, variables: example.variables },
        { contextValue: { db: h.db, log: silentLog, config, principal: README_PRINCIPAL } },
      );
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      // Over HTTP the response is JSON; compare in that form (dates become ISO strings).
      expect(JSON.parse(JSON.stringify(response.body.singleResult))).toEqual(example.expected);
    });
  }
});
