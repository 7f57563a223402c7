import type { UserErrorCode } from '../generated/graphql.js';

/**
 * A problem found by a validation rule, wherever the input came from: a mutation turns it into a
 * userError (path under its input), an import into an issue (file, line, path in the record).
 */

export type ProblemPath = Array<string | number>;

export interface Problem {
  /** Where in the value checked (a properties object, an edge record, …). */
  path: ProblemPath;
  message: string;
  code: UserErrorCode;
}

export const problem = (path: ProblemPath, message: string, code: UserErrorCode = 'INVALID'): Problem => ({ path, message, code });
