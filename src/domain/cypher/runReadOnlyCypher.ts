import { Neo4jError, type ManagedTransaction } from 'neo4j-driver';
import { GraphQLError } from 'graphql';
import type { Context } from '../../context.js';
import { badUserInput, ErrorCode } from '../../errors.js';
import { checkReadOnlyCypher, forbidden } from './cypherGuard.js';
import { cypherParams, toJson, type Json } from './cypherJson.js';

/**
 * Query.cypher: a researcher's read-only Cypher, behind three lines of defence:
 * 1. a lexical check (cypherGuard.ts) before the database is touched;
 * 2. `EXPLAIN` of the query, whose summary must say it is read-only (queryType 'r');
 * 3. a READ transaction, where Neo4j itself refuses any write.
 * It runs with its own transaction deadline (CLAIMGRAPH_CYPHER_TIMEOUT_MS; the query is the caller's, so
 * reaching it is the caller's mistake, not the service's) and stops reading rows at the cap (the rest are
 * discarded, not fetched).
 */

export type CypherResultRow = {
  columns: string[];
  rows: Array<{ [column: string]: Json }>;
  truncated: boolean;
};

const EXPLAIN_PREFIX = 'EXPLAIN ';

/** Neo4j's message about `EXPLAIN <query>`, told about the query as the client sent it. */
export function withoutExplainPrefix(message: string): string {
  const lines = message.split('\n');
  let onFirstLine = false;
  const out = lines.map((line, index) => {
    const position = /\(line (\d+), column (\d+) \(offset: (\d+)\)\)/.exec(line);
    if (position) {
      onFirstLine = position[1] === '1';
      const column = onFirstLine ? Number(position[2]) - EXPLAIN_PREFIX.length : Number(position[2]);
      const offset = Number(position[3]) - EXPLAIN_PREFIX.length;
      return line.replace(position[0], `(line ${position[1]}, column ${column} (offset: ${offset}))`);
    }
    if (line.startsWith(`"${EXPLAIN_PREFIX}`)) return `"${line.slice(EXPLAIN_PREFIX.length + 1)}`;
    if (onFirstLine && /^ +\^$/.test(line) && lines[index - 1]?.startsWith(`"${EXPLAIN_PREFIX}`)) return line.slice(EXPLAIN_PREFIX.length);
    return line;
  });
  return out.join('\n');
}

/** A Neo4j error as the client sees it: the caller's mistakes keep Neo4j's message, without a stack. */
function clientError(error: unknown, timeoutMs: number, explaining: boolean): GraphQLError | null {
  if (error instanceof GraphQLError && error.extensions.code === ErrorCode.QUERY_TIMEOUT) {
    return badUserInput(`query ran longer than ${timeoutMs} ms and was stopped; narrow it down or add a LIMIT.`, 'query');
  }
  if (!(error instanceof Neo4jError)) return null;
  const code = error.code ?? '';
  const message = explaining ? withoutExplainPrefix(error.message) : error.message;
  if (code === 'Neo.ClientError.Statement.AccessMode' || code.startsWith('Neo.ClientError.Security.') || code === 'Neo.ClientError.General.ForbiddenOnReadOnlyDatabase') {
    return forbidden(`The Cypher endpoint is read-only: ${message}`, 'query');
  }
  if (code === 'Neo.ClientError.Statement.ParameterMissing') return badUserInput(message, 'params');
  if (code.startsWith('Neo.ClientError.') || code.startsWith('Neo.DatabaseError.Statement.')) return badUserInput(message, 'query');
  return null;
}

export async function runReadOnlyCypher(ctx: Context, query: string, rawParams: unknown): Promise<CypherResultRow> {
  if (ctx.config.CLAIMGRAPH_CYPHER_ENDPOINT !== 'on') {
    throw forbidden('The read-only Cypher endpoint is off. Start the server with CLAIMGRAPH_CYPHER_ENDPOINT=on to enable it.');
  }
  // Line 1, before the database is touched.
  checkReadOnlyCypher(query);
  return runInReadTransaction(ctx, query, cypherParams(rawParams));
}

/**
 * Lines 2 and 3: EXPLAIN (unless `explain` is false, which only tests use, to reach line 3 alone), then the
 * query itself in a READ transaction with the timeout and row cap from the configuration.
 */
export async function runInReadTransaction(
  ctx: Context,
  query: string,
  params: Record<string, unknown>,
  options: { explain: boolean } = { explain: true },
): Promise<CypherResultRow> {
  const maxRows = ctx.config.CLAIMGRAPH_CYPHER_MAX_ROWS;
  const timeoutMs = ctx.config.CLAIMGRAPH_CYPHER_TIMEOUT_MS;

  let explaining = false;
  try {
    return await ctx.db.readTransaction(
      async (tx: ManagedTransaction) => {
        // Line 2: Neo4j's own verdict on what the query would do.
        if (options.explain) {
          explaining = true;
          const explained = await tx.run(EXPLAIN_PREFIX + query, params);
          if (explained.summary.queryType !== 'r') {
            const kind = { w: 'writes', rw: 'reads and writes', s: 'changes the schema or administers the server' }[explained.summary.queryType] ?? 'is not read-only';
            throw forbidden(`The Cypher endpoint is read-only: this query ${kind}.`, 'query');
          }
        }
        // Line 3: a READ transaction, where Neo4j refuses writes whatever the first two lines missed.
        explaining = false;
        const rows: CypherResultRow['rows'] = [];
        let truncated = false;
        const result = tx.run(query, params);
        for await (const record of result) {
          if (rows.length >= maxRows) {
            truncated = true;
            break;
          }
          const row: { [column: string]: Json } = {};
          for (const key of record.keys) row[String(key)] = toJson(record.get(key));
          rows.push(row);
        }
        const columns = (await result.keys()).map(String);
        return { columns, rows, truncated };
      },
      { deadline: timeoutMs, fetchSize: Math.min(maxRows + 1, 1000), metadata: { endpoint: 'cypher' } },
    );
  } catch (error) {
    const mapped = clientError(error, timeoutMs, explaining);
    if (mapped) throw mapped;
    throw error;
  }
}
