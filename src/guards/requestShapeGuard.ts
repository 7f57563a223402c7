import { GraphQLError } from 'graphql';
import type express from 'express';
import { checkDocumentText } from './documentGuard.js';
import { inputShape } from './inputShape.js';
import { tooComplex, type RequestLimits } from './requestLimits.js';
import { PassedChecks } from './passedChecks.js';

/**
 * The first guards, on the raw request before Apollo Server sees it: graphql-js coerces variables and
 * parses documents recursively, so a value or a document nested thousands deep must be refused before
 * either runs. Refusals are 400 QUERY_TOO_COMPLEX in GraphQL's error shape. What is not well-formed at
 * all (variables that are not an object, a query that is not a string) is left to Apollo Server, which
 * refuses it with BAD_REQUEST.
 */
export function checkVariablesShape(variables: unknown, limits: RequestLimits): void {
  const shape = inputShape(variables, limits.maxInputValues);
  // The variables object itself is one level; each variable may nest maxInputDepth below it.
  if (shape.depth > limits.maxInputDepth + 1) {
    throw tooComplex('maxInputDepth', shape.depth - 1, limits.maxInputDepth, `The variables nest ${shape.depth - 1} levels deep`, { argument: 'variables' });
  }
  if (shape.values > limits.maxInputValues) {
    throw tooComplex('maxInputValues', shape.values, limits.maxInputValues, `The variables hold more than ${limits.maxInputValues} values`, { argument: 'variables' });
  }
}

/** Documents up to this long that passed the text check are remembered, so a client's repeated query is not lexed again. */
const REMEMBERED_DOCUMENT_CHARS = 16 * 1024;
const REMEMBERED_DOCUMENTS = 1000;

export function requestShapeGuard(limits: RequestLimits) {
  // Per guard, so per set of limits: a text that passed them passes them again.
  const passed = new PassedChecks(REMEMBERED_DOCUMENTS, REMEMBERED_DOCUMENT_CHARS);
  const checkText = (query: string) => {
    if (passed.has(query)) return;
    checkDocumentText(query, limits);
    passed.add(query);
  };
  return (req: express.Request, res: express.Response, next: express.NextFunction) => {
    const params = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | undefined;
    if (!params || typeof params !== 'object' || Array.isArray(params)) return next();
    try {
      let variables = params.variables;
      if (typeof variables === 'string' && req.method === 'GET') {
        try {
          variables = JSON.parse(variables);
        } catch {
          variables = undefined; // Apollo Server refuses it as BAD_REQUEST
        }
      }
      if (variables !== undefined && variables !== null) checkVariablesShape(variables, limits);
      if (typeof params.query === 'string') checkText(params.query);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
      res.status(400).json({ errors: [{ message: error.message, extensions }] });
      return;
    }
    next();
  };
}
