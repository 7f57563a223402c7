import { describe, expect, it } from 'vitest';
import neo4j from 'neo4j-driver';
import {
  getArgumentValues,
  getNamedType,
  GraphQLError,
  Kind,
  parse,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { buildSchema } from '../../src/schema.js';
import { graphModelOf } from '../../src/model/graphModel.js';
import { LABELS, type Label } from '../../src/ids.js';
import { planConnection, planNode, type ConnectionPlan, type PageArgs } from '../../src/planner/plan.js';
import { CypherWriter, printConnectionRows, printNode } from '../../src/planner/printCypher.js';
import { encodeCursor } from '../../src/planner/cursor.js';
import type { RequestScope } from '../../src/planner/collectFields.js';
import { Visibility } from '../../src/auth/visibility.js';

/**
 * The Cypher the planner writes, without a database: a GraphQL document is parsed, its root field planned
 * with planConnection / planNode and printed with printConnectionRows / printNode, as the root resolvers
 * do (src/planner/runPlan.ts).
 */

const schema = buildSchema();
const model = graphModelOf(schema);

function parseRoot(document: string, variables: Record<string, unknown>) {
  const doc = parse(document);
  const operation = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const field = operation.selectionSet.selections[0] as FieldNode;
  const fieldDef = schema.getQueryType()!.getFields()[field.name.value];
  const scope: RequestScope = { schema, fragments, variables };
  return { field, fieldDef, scope };
}

/** A root list (`places`, `statements`…) planned and printed as fetchList does. */
function printList(document: string, variables: Record<string, unknown> = {}): { plan: ConnectionPlan; cypher: string; params: Record<string, any> } {
  const { field, fieldDef, scope } = parseRoot(document, variables);
  const connectionType = getNamedType(fieldDef.type);
  const label = connectionType.name.replace(/Connection$/, '') as Label;
  const args = getArgumentValues(fieldDef, field, variables) as PageArgs;
  const plan = planConnection(field.alias?.value ?? field.name.value, null, [label], connectionType, [field], args, scope, `Query.${field.name.value}`);
  const w = new CypherWriter(Visibility.ALL);
  const printed = printConnectionRows(plan, null, w);
  const total = plan.totalCountKeys.length ? `, total: ${printed.total}` : '';
  return { plan, cypher: `${printed.subquery}\nRETURN {rows: ${printed.rows}${total}} AS data`, params: w.params };
}

/** A root field by id (`place(id:)`…) planned and printed as fetchNodes does. */
function printById(document: string, variables: Record<string, unknown> = {}) {
  const { field, fieldDef, scope } = parseRoot(document, variables);
  const type = getNamedType(fieldDef.type);
  const plan = planNode(type, [field.selectionSet!], scope, 'Query', [type.name as Label]);
  const w = new CypherWriter(Visibility.ALL);
  const ids = w.param(['place:kupyansk']);
  const node = printNode(plan, 'n', w);
  const cypher = [`MATCH (n:\`${type.name}\`) WHERE n.id IN ${ids}`, ...node.subqueries, `RETURN n.id AS id, ${node.projection} AS data`].join('\n');
  return { plan, cypher, params: w.params as Record<string, any> };
}

/** Every string anywhere in the parameters (lists and maps included). */
function paramStrings(params: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object' && !neo4j.isInt(v)) Object.values(v).forEach(walk);
  };
  Object.values(params).forEach(walk);
  return out;
}

/** The CALL { … } blocks of a query, each as its own lines (without the braces), outermost first. */
function callBlocks(cypher: string): string[][] {
  const lines = cypher.split('\n');
  const blocks: string[][] = [];
  lines.forEach((line, i) => {
    const m = /^(\s*)CALL \{$/.exec(line);
    if (!m) return;
    const close = lines.findIndex((l, j) => j > i && l === `${m[1]}}`);
    expect(close, `CALL at line ${i} is closed`).toBeGreaterThan(i);
    // Only the block's own lines, not those of nested blocks.
    const inner = m[1] + '  ';
    blocks.push(lines.slice(i + 1, close).filter((l) => l.startsWith(inner) && !l.startsWith(inner + ' ') && l !== `${inner}}`));
  });
  return blocks;
}

const EVIL = "x`}) DETACH DELETE n //";

describe('every user value is a parameter', () => {
  const doc = `query ($evil: String!) {
    statements(first: 2, where: {
      text: {contains: $evil}, note: {eq: $evil}, id: {in: [$evil]},
      speaker: {name: {startsWith: $evil}, aliases: {includes: $evil}},
      sources: {some: {quote: {contains: $evil}, node: {title: {in: [$evil]}}}},
      about: {some: {node: {place: {aliases: {someContains: $evil}}, actor: {side: {eq: $evil}}}}},
      OR: [{note: {startsWith: $evil}}, {NOT: {text: {eq: $evil}}}]
    }) {
      totalCount
      edges { node { id
        about(first: 3, where: {node: {unit: {name: {contains: $evil}}}}) { edges { role } }
        sources(where: {quote: {eq: $evil}}) { edges { quote } }
      } }
    }
  }`;

  it('a value with a backtick, a brace and a comment never reaches the Cypher text', () => {
    const { cypher, params } = printList(doc, { evil: EVIL });
    expect(cypher).not.toContain(EVIL);
    expect(cypher).not.toContain(EVIL.toLowerCase());
    expect(cypher).not.toMatch(/DETACH|DELETE|\/\//i);
    const strings = paramStrings(params);
    // Exact operators keep the value, case-insensitive ones lowercase it.
    expect(strings).toContain(EVIL);
    expect(strings).toContain(EVIL.toLowerCase());
    expect(strings.filter((s) => s === EVIL).length + strings.filter((s) => s === EVIL.toLowerCase()).length).toBeGreaterThanOrEqual(13);
    for (const s of strings) if (s.length > 3) expect(cypher, s).not.toContain(s);
  });

  it('a cursor key with the same value is a parameter too', () => {
    const first = printList(`{ places(first: 2, orderBy: [{field: NAME}]) { edges { cursor } } }`);
    const after = encodeCursor([EVIL, 'place:kupyansk'], first.plan.ordering);
    const { cypher, params } = printList(`query ($after: String) { places(first: 2, after: $after, orderBy: [{field: NAME}]) { edges { cursor } } }`, { after });
    expect(cypher).not.toContain(EVIL);
    expect(cypher).not.toMatch(/DETACH/);
    expect(Object.values(params)).toContain(EVIL);
    expect(Object.values(params)).toContain('place:kupyansk');
  });

  it('spatial and hierarchy values are parameters', () => {
    const { cypher, params } = printList(`{
      places(where: {near: {point: {latitude: 49.123, longitude: 37.456}, radiusKm: 12.5}, within: {placeId: "place:kharkiv-province"},
                     inBox: {south: 48.5, west: 36.5, north: 50.5, east: 38.5}}) {
        edges { node { id distanceKm(fromPlace: "place:kharkiv") other: distanceKm(from: {latitude: 1.5, longitude: 2.5}) } }
      }
    }`);
    for (const literal of ['49.123', '37.456', '12.5', '12500', 'kharkiv', '48.5', '36.5', '50.5', '38.5', '1.5', '2.5']) {
      expect(cypher, literal).not.toContain(literal);
    }
    const values = Object.values(params);
    expect(values).toEqual(expect.arrayContaining([49.123, 37.456, 12500, 'place:kharkiv-province', 'place:kharkiv', 48.5, 36.5, 50.5, 38.5, 1.5, 2.5]));
  });

  it('the page size is a parameter, and nothing is skipped', () => {
    const { cypher } = printList(`{ places(first: 7) { edges { node { id } } } }`);
    expect(cypher).not.toMatch(/LIMIT \d/);
    expect(cypher).not.toMatch(/\bSKIP\b/);
  });
});

describe('labels and relationship types come from the model', () => {
  const knownNames = new Set<string>([...LABELS, ...model.edges.keys()]);

  it('every label and type in a many-relation query is one the SDL declares', () => {
    const { cypher } = printList(`{
      statements(where: {about: {some: {node: {place: {within: {placeId: "place:kupyansk"}}}}}, speaker: {side: {eq: "UA"}}}) {
        edges { node {
          speaker { ... on Actor { memberships { edges { node { ... on Actor { name } ... on Unit { name } } } } } }
          onBehalfOf { __typename }
          contradictedBy { edges { note } }
          sources { edges { node { cites { edges { node { publisher { name } } } } } } }
        } }
      }
    }`);
    const used = [...cypher.matchAll(/[:|]`([^`]+)`/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(10);
    for (const name of used) expect(knownNames, name).toContain(name);
    expect(cypher).toContain('-[:PART_OF*1..]->');
  });

  it('directions follow @relation: Place.statements is ABOUT in, Statement.speaker is MADE_BY out', () => {
    const { cypher } = printById(`{ place(id: "place:kupyansk") { statements { edges { node { speaker { name } } } } } }`);
    expect(cypher).toMatch(/\(n:`Place`\)<-\[r\d+:`ABOUT`\]-\(t\d+:`Statement`\)/);
    expect(cypher).toMatch(/\(t\d+\)-\[:`MADE_BY`\]->\(t\d+:`Actor`\|`Unit`\)/);
  });

  it("a connection of one type of a union is read only for parents of that type", () => {
    // A speaker is an actor or a unit; each has its own statements connection, printed as its own block.
    const { cypher } = printById(`{ place(id: "place:kupyansk") { statements { edges { node { speaker { name statements(first: 5) { edges { node { id } } } } } } } } }`);
    const gates = [...cypher.matchAll(/^\s*WITH (t\d+) WHERE \1:`(\w+)`$/gm)].map((m) => m[2]);
    expect(gates.sort()).toEqual(['Actor', 'Unit']);
    // Each gate comes first in its block, before the degree is read or an index walked.
    const gated = cypher.split(/\bCALL \{\n/).filter((b) => /WHERE t\d+:`(Actor|Unit)`$/.test(b.split('\n')[1] ?? ''));
    expect(gated).toHaveLength(2);
    for (const block of gated) expect(block.split('\n')[0]).toMatch(/^\s*WITH t\d+$/);
    expect(cypher).toMatch(/WHEN t\d+:`Actor` THEN \{__typename: 'Actor', `name`: t\d+\.`name`, `statements`: \{rows: v\d+\}\}/);
  });

  it('a union position matches any of its labels and projects each with its own __typename', () => {
    const { cypher } = printById(`{ place(id: "place:kupyansk") { statements { edges { node { about { edges { node { __typename ... on Place { name } } } } } } } } }`);
    expect(cypher).toMatch(/-\[r\d+:`ABOUT`\]->\(t\d+:`Actor`\|`Unit`\|`Place`\)/);
    expect(cypher).toMatch(/CASE WHEN t\d+:`Actor` THEN \{__typename: 'Actor'\} WHEN t\d+:`Unit` THEN \{__typename: 'Unit'\} WHEN t\d+:`Place` THEN \{__typename: 'Place', `name`: t\d+\.`name`\} END/);
  });
});

describe('pages: LIMIT first (+ 1 for hasNextPage), collected after the LIMIT', () => {
  const doc = `{
    places(first: 2) { pageInfo { hasNextPage } edges { node {
      parent { name }
      statements(first: 5) { edges { node {
        sources { pageInfo { hasNextPage } edges { node { title } } }
        about(first: 0) { pageInfo { hasNextPage } edges { role } }
      } } }
    } } }
  }`;
  const limitsOf = (document: string) => {
    const { cypher, params } = printList(document);
    const limits = [...cypher.matchAll(/LIMIT \$(p\d+)/g)].map((m) => (params[m[1]] as { toNumber(): number }).toNumber());
    return [...new Set(limits)].sort((a, b) => a - b);
  };

  it('a connection whose hasNextPage is not asked for fetches first rows, and no more', () => {
    expect(limitsOf(doc.replaceAll('pageInfo { hasNextPage } ', ''))).toEqual([0, 2, 5, 20]);
    expect(limitsOf(doc.replaceAll('pageInfo { hasNextPage } ', 'pageInfo { endCursor } '))).toEqual([0, 2, 5, 20]);
  });

  it('each connection asked for hasNextPage fetches first + 1 rows', () => {
    const { cypher, params } = printList(doc);
    const limits = [...cypher.matchAll(/LIMIT \$(p\d+)/g)].map((m) => (params[m[1]] as { toNumber(): number }).toNumber());
    // Nested pages are printed inside their parent's block, so they come first in the text.
    // (A nested connection under a parent may be read two ways, each with its LIMIT.) statements did
    // not ask for hasNextPage: 5 rows.
    expect([...new Set(limits)].sort((a, b) => a - b)).toEqual([1, 3, 5, 21]);
    for (const m of cypher.matchAll(/LIMIT \$(p\d+)/g)) expect(neo4j.isInt(params[m[1]]), 'an Integer, not a float').toBe(true);
    // A 'one' relation is read in place, by a pattern comprehension.
    expect(cypher).toMatch(/head\(\[\(t\d+\)-\[:`PART_OF`\]->\(t\d+:`Place`\) \| /);
  });

  it('every page limits before it collects', () => {
    const { cypher } = printList(doc);
    const lines = cypher.split('\n');
    // Each segment of a page collects its rows (`collect({t: …`) only after a LIMIT since the previous one.
    let since = 0;
    let pages = 0;
    lines.forEach((line, i) => {
      if (!/RETURN collect\(\{t: /.test(line)) return;
      pages++;
      expect(lines.slice(since, i).some((l) => /\bLIMIT \$p\d+$/.test(l)), lines.slice(since, i + 1).join('\n')).toBe(true);
      since = i + 1;
    });
    expect(pages).toBe(4);
    expect(callBlocks(cypher).length).toBeGreaterThan(4);
  });

  it('the total counts the filtered set without the cursor or the limit', () => {
    const after = encodeCursor(['place:kharkiv']);
    const { cypher, params } = printList(`query ($after: String) { places(first: 2, after: $after, where: {kind: {eq: CITY}}) { totalCount edges { node { id } } } }`, {
      after,
    });
    const total = /total: (COUNT \{.*\})\} AS data$/s.exec(cypher)![1];
    expect(total).toMatch(/^COUNT \{ MATCH \(t\d+:`Place`\) WHERE t\d+\.`kind` = \$p\d+ \}$/);
    const cursorParam = Object.entries(params).find(([, v]) => v === 'place:kharkiv')![0];
    expect(total).not.toContain(`$${cursorParam}`);
    expect(total).not.toContain('LIMIT');
  });

  it('pins a small root list', () => {
    const { cypher, params } = printList(`{ places(first: 2, where: {kind: {eq: CITY}}, orderBy: [{field: NAME, direction: DESC}]) { totalCount edges { node { id name parent { name } } } } }`);
    expect(cypher).toMatchInlineSnapshot(`
      "CALL {
        CALL {
          MATCH (t0:\`Place\`) WHERE (t0.\`name\` IS NOT NULL) AND (t0.id IS NOT NULL) AND (t0.\`kind\` = $p3)
          WITH t0 ORDER BY t0.\`name\` DESC, t0.id DESC LIMIT $p4
          RETURN collect({t: t0}) AS g6
        }
        UNWIND (g6)[0..$p4] AS row9
        WITH row9.t AS t0
        RETURN collect({\`node\`: {__typename: 'Place', \`id\`: t0.\`id\`, \`name\`: t0.\`name\`, \`parent\`: head([(t0)-[:\`PART_OF\`]->(t7:\`Place\`) | {__typename: 'Place', \`name\`: t7.\`name\`}])}}) AS v2
      }
      RETURN {rows: v2, total: COUNT { MATCH (t0:\`Place\`) WHERE t0.\`kind\` = $p3 }} AS data"
    `);
    expect(params).toMatchInlineSnapshot(`
      {
        "p3": "CITY",
        "p4": Integer {
          "high": 0,
          "low": 2,
        },
      }
    `);
  });
});

describe('rows carry their sort keys only when a cursor is asked for', () => {
  const keyed = (selection: string) => /\bk: \[/.test(printList(`{ statements(first: 3, orderBy: [{field: STATED_AT, direction: DESC}]) { ${selection} } }`).cypher);

  it('hasNextPage alone needs no keys', () => {
    expect(keyed('edges { node { id } } pageInfo { hasNextPage hasPreviousPage }')).toBe(false);
  });

  it('an edge cursor, startCursor or endCursor (also through a fragment) needs them', () => {
    expect(keyed('edges { cursor node { id } }')).toBe(true);
    expect(keyed('pageInfo { endCursor }')).toBe(true);
    expect(keyed('pageInfo { hasNextPage ... on PageInfo { startCursor } }')).toBe(true);
  });
});

describe('keyset predicates', () => {
  /** The WHERE line of the root block, and the parameters by name. */
  function keyset(document: string, key: unknown[]) {
    const first = printList(document);
    const { cypher, params } = printList(document, { after: encodeCursor(key as never, first.plan.ordering) });
    const where = cypher.split('\n').find((l) => / WHERE /.test(l))!;
    // Parameters by value, so expectations need not know their numbering.
    const named = (value: unknown) => `$${Object.entries(params).find(([, v]) => v === value)![0]}`;
    return { where: where.slice(where.indexOf('WHERE ')).trim(), params, plan: first.plan, named, cypher };
  }
  const Q = (orderBy: string, field = 'places') => `query ($after: String) { ${field}(first: 2, after: $after, orderBy: ${orderBy}) { edges { cursor } } }`;

  it('ASC: a range on the name (the index seek), then rows after the cursor by name, then by id', () => {
    const { where, named } = keyset(Q('[{field: NAME, direction: ASC}]'), ['Kupyansk', 'place:kupyansk']);
    const [name, id] = [named('Kupyansk'), named('place:kupyansk')];
    expect(where).toBe(`WHERE (t0.\`name\` IS NOT NULL) AND (t0.id IS NOT NULL) AND (t0.\`name\` >= ${name}) AND ([t0.\`name\`, t0.id] > [${name}, ${id}])`);
  });

  it('DESC: < on the name and on the id tie-break, which follows the direction', () => {
    const { where, named, cypher } = keyset(Q('[{field: NAME, direction: DESC}]'), ['Kupyansk', 'place:kupyansk']);
    expect(where).toContain(`[t0.\`name\`, t0.id] < [${named('Kupyansk')}, ${named('place:kupyansk')}]`);
    expect(cypher).toContain('ORDER BY t0.`name` DESC, t0.id DESC');
  });

  it('ID DESC alone', () => {
    const { where, named } = keyset(Q('[{field: ID, direction: DESC}]'), ['place:kupyansk']);
    expect(where).toBe(`WHERE (t0.id IS NOT NULL) AND (t0.id <= ${named('place:kupyansk')}) AND (t0.id < ${named('place:kupyansk')})`);
  });

  it('three keys: each disjunct fixes the keys before it; a missing area comes after every area', () => {
    const { where, named } = keyset(Q('[{field: KIND, direction: DESC}, {field: AREA_KM2}]'), ['CITY', 33, 'place:kupyansk']);
    const [kind, area, id] = [named('CITY'), named(33), named('place:kupyansk')];
    const disjuncts = where.replace(/^WHERE \(/, '').replace(/\)$/, '').split(') OR (');
    expect(disjuncts).toEqual([
      `t0.\`kind\` < ${kind}`,
      `t0.\`kind\` = ${kind} AND (t0.\`areaKm2\` > ${area} OR t0.\`areaKm2\` IS NULL)`,
      `t0.\`kind\` = ${kind} AND t0.\`areaKm2\` = ${area} AND t0.id > ${id}`,
    ]);
  });

  it('partial dates sort by start then end, compared as dates', () => {
    const { where, named } = keyset(Q('[{field: STATED_AT, direction: DESC}]', 'statements'), ['2024-12-16', '2024-12-22', 'statement:x']);
    const [start, end, id] = [named('2024-12-16'), named('2024-12-22'), named('statement:x')];
    expect(where).toContain(`t0.\`statedAtStart\` <= date(${start})`);
    expect(where).toContain(`[t0.\`statedAtStart\`, t0.\`statedAtEnd\`, t0.id] < [date(${start}), date(${end}), ${id}]`);
    expect(where).not.toContain('coalesce');
  });

  it('createdAt compares as datetime', () => {
    const { where, named } = keyset(Q('[{field: CREATED_AT}]', 'actors'), ['2024-12-16T10:00:00.000Z', 'actor:x']);
    expect(where).toContain(`t0.\`createdAt\` >= datetime(${named('2024-12-16T10:00:00.000Z')})`);
  });

  const nested = (doc: string, after: unknown[]) => {
    const { field, fieldDef, scope } = parseRoot(doc, {});
    const type = getNamedType(fieldDef.type);
    const root = fieldDef.name === 'place' ? 'Place' : 'Unit';
    const plan = planNode(type, [field.selectionSet!], { ...scope, variables: { after: encodeCursor(after as never) } }, 'Query', [root]);
    const w = new CypherWriter(Visibility.ALL);
    const node = printNode(plan, 'n', w);
    return { cypher: node.subqueries.join('\n'), projection: node.projection, w };
  };

  it('a keyed relationship whose edges hold only the key (ABOUT) pages far nodes: ties by id alone, each once', () => {
    const doc = `query ($after: String) { place(id: "place:kupyansk") { statements(first: 2, after: $after) { totalCount edges { cursor roles node { id } } } } }`;
    const { cypher, projection, w } = nested(doc, ['statement:x']);
    expect(cypher).toMatch(/t(\d+)\.id > \$p\d+/);
    expect(cypher).not.toMatch(/`role`, ''/);
    expect(cypher).toMatch(/WITH DISTINCT t\d+ ORDER BY t\d+\.id ASC LIMIT/);
    // Every edge's role, read for the page's rows.
    expect(cypher).toMatch(/\[\(n\)<-\[x\d+:`ABOUT`\]-\(t\d+\) \| x\d+\.`role`\]/);
    expect(projection).toMatch(/COUNT \{ MATCH .* RETURN DISTINCT t\d+ \}/);
    expect(paramStrings(w.params)).toContain('statement:x');
  });

  it('a cursor of the former per-edge order (id, role) is not a cursor of the list of statements', () => {
    const doc = `query ($after: String) { place(id: "place:kupyansk") { statements(first: 2, after: $after) { edges { cursor } } } }`;
    expect(() => nested(doc, ['statement:x', 'LOCATION'])).toThrow(/not a cursor of this list/);
  });

  it('a keyed relationship with more on its edges (MEMBER_OF: role and period) still pages edges: id, then the key', () => {
    const doc = `query ($after: String) { unit(id: "unit:x") { members(first: 2, after: $after) { totalCount edges { cursor role node { id } } } } }`;
    const { cypher, projection, w } = nested(doc, ['actor:x', 'head']);
    expect(cypher).toMatch(/\[t(\d+)\.id, coalesce\(r\d+\.`role`, ''\)\] > \[\$p\d+, \$p\d+\]/);
    expect(cypher).not.toContain('DISTINCT');
    expect(projection).not.toContain('DISTINCT');
    expect(paramStrings(w.params)).toEqual(expect.arrayContaining(['actor:x', 'head']));
  });
});

describe('planning refuses bad input before any Cypher runs', () => {
  const caught = (run: () => unknown): GraphQLError => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(GraphQLError);
      return error as GraphQLError;
    }
    throw new Error('expected a GraphQLError');
  };

  it.each([
    ['first: 101', `{ places(first: 101) { edges { cursor } } }`, 'first', undefined],
    ['a cursor of another order', `{ places(after: "${encodeCursor(['place:x'])}", orderBy: [{field: NAME}]) { edges { cursor } } }`, 'after', undefined],
    ['DISTANCE without near', `{ places(orderBy: [{field: DISTANCE}]) { edges { cursor } } }`, 'orderBy', undefined],
    ['radius 0', `{ places(where: {near: {placeId: "place:x", radiusKm: 0}}) { edges { cursor } } }`, 'where.near.radiusKm', undefined],
    ['distanceKm without a centre', `{ places { edges { node { distanceKm } } } }`, 'from', 'Place.distanceKm'],
  ])('%s', (_name, doc, argument, field = 'Query.places') => {
    const error = caught(() => printList(doc));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.argument).toBe(argument);
    expect(error.extensions.field).toBe(field);
  });
});
