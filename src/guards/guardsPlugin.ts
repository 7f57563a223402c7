import { getVariableValues, type DocumentNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context.js';
import { measureOperation } from './operationGuard.js';
import { PassedChecks } from './passedChecks.js';
import type { RequestLimits } from './requestLimits.js';

/**
 * The request guards, in the order a request meets them; every refusal comes before any resolver or
 * Cypher runs:
 *   1. the variables' shape and the document's text (tokens, nesting), on the raw request, before
 *      graphql-js coerces and parses them recursively (requestShapeGuard.ts);
 *   2. validation: graphql-js's rules plus depth, aliases, directives (validationRules.ts);
 *   3. the operation with its variables, as the request's principal asks it: roles (@requires; 403 or
 *      401), cost, argument bounds and filters, @skip/@include (this plugin).
 * Variables the schema rejects are left to execution, which refuses them all (400 BAD_USER_INPUT) before
 * any resolver runs.
 */
export function guardsPlugin(limits: RequestLimits): ApolloServerPlugin<Context> {
  // Operations measured and let through, per parsed document (Apollo keeps one per query text): the same
  // operation with the same variables, asked with the same role, passes again without a second walk. What
  // an operation costs and which arguments it has depend on nothing else.
  const passed = new WeakMap<DocumentNode, PassedChecks>();
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const key = `${contextValue.principal.role}\u0000${operation.name?.value ?? ''}\u0000${JSON.stringify(request.variables ?? {})}`;
          if (passed.get(document)?.has(key)) return;
          const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
          if (coerced.errors) return;
          measureOperation(schema, document, operation, coerced.coerced, limits, contextValue.principal);
          let remembered = passed.get(document);
          if (!remembered) passed.set(document, (remembered = new PassedChecks(REMEMBERED_PER_DOCUMENT, REMEMBERED_KEY_CHARS)));
          remembered.add(key);
        },
      };
    },
  };
}

/** Variable sets remembered per document (a document asked with ever new variables keeps its latest), and the longest key. */
const REMEMBERED_PER_DOCUMENT = 64;
const REMEMBERED_KEY_CHARS = 4096;

/** Limits that never refuse: with the guards off (to measure what they cost) roles are still checked. */
export const NO_LIMITS: RequestLimits = {
  maxTokens: Infinity,
  maxDepth: Infinity,
  maxNesting: Infinity,
  maxAliases: Infinity,
  maxDirectives: Infinity,
  maxCost: Infinity,
  maxInputDepth: Infinity,
  maxInputValues: Infinity,
  maxFilterDepth: Infinity,
  maxFilterSize: Infinity,
};
