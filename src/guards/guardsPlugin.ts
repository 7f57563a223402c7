import { getVariableValues } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context.js';
import { measureOperation } from './operationGuard.js';
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
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
          if (coerced.errors) return;
          measureOperation(schema, document, operation, coerced.coerced, limits, contextValue.principal);
        },
      };
    },
  };
}

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
