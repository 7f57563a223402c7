import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { countQueries, createHarness, startTestServer, type Harness } from '../harness.js';

/**
 * The guards refuse in time linear in the request, so while hostile requests are being refused, other
 * clients are still served: their answers come back complete and correct, and the hostile requests never
 * reach Neo4j. No timing is asserted (machines are shared); what is asserted is that every ordinary query
 * was answered, and what was refused, and how.
 */

let h: Harness;
let server: RunningServer;
beforeAll(async () => {
  h = await createHarness();
  server = await startTestServer(h, 'anonymous');
});
afterAll(async () => {
  await server?.stop();
  await h?.close();
});

const post = (body: string) => fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

/** 2^30 expansions of one field in 1.5 KB. */
const FRAGMENT_BOMB = JSON.stringify({
  query:
    'query { ...S0 }\n' +
    Array.from({ length: 30 }, (_, i) => `fragment S${i} on Query { ...S${i + 1} ...S${i + 1} places(first: 1) { totalCount } }`).join('\n') +
    '\nfragment S30 on Query { places(first: 1) { totalCount } }',
});
const ALIASES = JSON.stringify({ query: `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: search(query: "k") { totalCount }`).join(' ')} }` });
const OR_BRANCHES = JSON.stringify({
  query: 'query ($w: StatementWhere) { statements(where: $w) { totalCount } }',
  variables: { w: { OR: Array.from({ length: 10_000 }, (_, i) => ({ text: { contains: `w${i}` } })) } },
});
// Written as text: JSON.stringify itself would overflow the stack on it.
const DEEP_NOT = `{"query":"query ($w: StatementWhere) { statements(where: $w) { totalCount } }","variables":{"w":${'{"NOT":'.repeat(50_000)}{}${'}'.repeat(50_000)}}}`;
const ORDINARY = JSON.stringify({
  query: `{ place(id: "place:kupyansk") { name statements(first: 5) { totalCount edges { node { id speaker { name } sources { edges { node { title } } } } } } } }`,
});

describe('guards under attack', () => {
  it('answers ordinary queries in full while fragment bombs, alias floods and huge filters are refused', async () => {
    const expected: any = await (await post(ORDINARY)).json();
    expect(expected.errors).toBeUndefined();
    expect(expected.data.place.statements.edges.length).toBeGreaterThan(0);

    const hostile = [FRAGMENT_BOMB, ALIASES, OR_BRANCHES, DEEP_NOT];
    const refusals: Array<{ status: number; code: string }> = [];
    const answers: unknown[] = [];
    let attacking = true;
    const { queries } = await countQueries(h.db, async () => {
      const attackers = Array.from({ length: 4 }, async (_, i) => {
        while (attacking) {
          const response = await post(hostile[i]);
          const body: any = await response.json();
          refusals.push({ status: response.status, code: body.errors?.[0]?.extensions?.code });
        }
      });
      // The ordinary client asks, one request after another, while the attackers keep going.
      for (let i = 0; i < 20; i++) {
        const response = await post(ORDINARY);
        expect(response.status).toBe(200);
        answers.push(await response.json());
      }
      attacking = false;
      await Promise.all(attackers);
    });

    for (const answer of answers) expect(answer).toEqual(expected);
    expect(refusals.length).toBeGreaterThanOrEqual(4);
    for (const refusal of refusals) expect(refusal).toEqual({ status: 400, code: 'QUERY_TOO_COMPLEX' });
    // Only the ordinary queries reached Neo4j: one round trip each.
    expect(queries).toHaveLength(20);
  });
});
