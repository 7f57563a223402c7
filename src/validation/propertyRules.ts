import { z } from 'zod';
import type { PropertySpec } from '../model/graphModel.js';
import { problem, type Problem, type ProblemPath } from './problem.js';
import { forbiddenKeyMessage, forbiddenKeyPath, SAY_SOMETHING, textProblem, type TextRule } from './textRules.js';

/**
 * The rules of a properties object (a node's, or a relationship's), read from the graph model: types,
 * enums, calendar dates, ranges, formats and the text rules (textRules.ts), then the rules that relate two
 * values (a span that ends before it starts, a quote and its offsets). Mutations and imports both call
 * `checkProperties`, so what one refuses the other refuses.
 */

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be an ISO date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a calendar date');

/** A string under the text rules: one message, the first problem found. */
const text = (rule: TextRule = {}) =>
  z.string().superRefine((s, ctx) => {
    const message = textProblem(s, rule);
    if (message) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  });

const MAX_RAW_LENGTH = 500;
const MAX_URL_LENGTH = 4096;

const partialDateSchema = z
  .object({
    start: isoDate,
    end: isoDate,
    precision: z.enum(['DAY', 'WEEK', 'MONTH', 'YEAR']),
    raw: text({ max: MAX_RAW_LENGTH }).optional(),
    relativeTo: isoDate.optional(),
  })
  .strict()
  .refine((d) => d.start <= d.end, { message: 'start must not be after end', path: ['end'] });
export type PartialDateInput = z.infer<typeof partialDateSchema>;

const geoPointSchema = z
  .object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })
  .strict();

const url = z.string().superRefine((s, ctx) => {
  const message = textProblem(s, { max: MAX_URL_LENGTH }) ?? (isHttpUrl(s) ? null : 'must be an http or https URL');
  if (message) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
});

function isHttpUrl(s: string): boolean {
  if (!/^https?:\/\//i.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/** Rules a GraphQL type cannot say, by property name (they mean the same on every type that has them). */
const REFINEMENTS: Record<string, z.ZodTypeAny> = {
  side: z.string().regex(/^([A-Z]{2}|NEUTRAL|UNKNOWN)$/, 'must be an ISO 3166-1 alpha-2 code, NEUTRAL or UNKNOWN'),
  credibility: z.number().int().min(1).max(6),
  language: z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP-47 language tag'),
  url,
  charStart: z.number().int().min(0),
  charEnd: z.number().int().min(0),
  offsetM: z.number().finite().min(0),
  bearing: z.number().finite().min(0).lt(360),
  areaKm2: z.number().finite().min(0),
};

function valueSchema(spec: PropertySpec): z.ZodTypeAny {
  switch (spec.kind) {
    case 'enum':
      return z.enum(spec.values as [string, ...string[]], {
        errorMap: () => ({ message: `must be one of ${spec.values.join(', ')}` }),
      });
    case 'stringList':
      // aliases and the like: each one names something
      return z.array(text({ saySomething: true })).max(1000);
    case 'partialDate':
      return partialDateSchema;
    case 'geoPoint':
      return geoPointSchema;
    case 'scalar': {
      const refined = REFINEMENTS[spec.name];
      if (refined) return refined;
      switch (spec.scalar) {
        case 'int':
          // GraphQL's Int: a signed 32-bit integer
          return z.number().int().min(-2147483648).max(2147483647);
        case 'float':
        case 'latitude':
        case 'longitude':
          return z.number().finite();
        case 'boolean':
          return z.boolean();
        case 'date':
          return isoDate;
        case 'dateTime':
          return z.string().datetime({ offset: true, message: 'must be an ISO date-time like 2024-12-20T10:00:00Z' });
        default:
          return text({ saySomething: SAY_SOMETHING.has(spec.name) });
      }
    }
  }
}

/** The zod shape of a properties object for the given model properties. */
export function propertiesSchema(specs: readonly PropertySpec[]) {
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const spec of specs) {
    const schema = valueSchema(spec);
    shape[spec.name] = spec.required && spec.kind !== 'stringList' ? schema : schema.optional();
    if (spec.kind === 'geoPoint') shape[`${spec.name}PrecisionM`] = z.number().int().min(0).max(2147483647).optional();
  }
  return z.object(shape).strict();
}

const schemas = new WeakMap<readonly PropertySpec[], z.ZodTypeAny>();
function schemaOf(specs: readonly PropertySpec[]): z.ZodTypeAny {
  let schema = schemas.get(specs);
  if (!schema) {
    schema = propertiesSchema(specs);
    schemas.set(specs, schema);
  }
  return schema;
}

interface PartialDate {
  start: string;
  end: string;
}

/** Rules that relate two values of one properties object. */
function crossRules(props: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  // A span that ends before it starts: validFrom/validTo of a statement, from/to of a membership.
  for (const [from, to] of [
    ['validFrom', 'validTo'],
    ['from', 'to'],
  ]) {
    const a = props[from] as PartialDate | undefined;
    const b = props[to] as PartialDate | undefined;
    if (a && b && typeof a.start === 'string' && typeof b.end === 'string' && b.end < a.start) {
      problems.push(problem([to], `must not end before ${from} starts (${b.end} < ${a.start})`));
    }
  }
  // A statement's extent says how much of a place is held: it means something on a control claim only.
  const { extent, kind } = props;
  if (extent !== undefined && extent !== null && typeof kind === 'string' && kind !== 'CONTROL') {
    problems.push(problem(['extent'], `only a CONTROL statement has an extent; this one's kind is ${kind}`));
  }
  // Where a quote stands in its source: both offsets or neither, in order, as long as the quote.
  const { charStart, charEnd, quote } = props;
  if ((charStart === undefined) !== (charEnd === undefined)) {
    problems.push(problem([charStart === undefined ? 'charStart' : 'charEnd'], 'charStart and charEnd go together', 'REQUIRED'));
  } else if (typeof charStart === 'number' && typeof charEnd === 'number') {
    if (charEnd < charStart) problems.push(problem(['charEnd'], 'must not be less than charStart'));
    else if (typeof quote === 'string' && charEnd - charStart !== quote.length) {
      problems.push(problem(['charEnd'], `charEnd - charStart (${charEnd - charStart}) must be the quote's length (${quote.length})`));
    }
  }
  return problems;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every problem with a properties object (paths relative to it; one per field, the first found), and
 * the object as parsed when there is none.
 */
export function checkProperties(specs: readonly PropertySpec[], props: unknown): { data: Record<string, unknown> | null; problems: Problem[] } {
  const forbidden = forbiddenKeyPath(props);
  if (forbidden) return { data: null, problems: [problem(forbidden, forbiddenKeyMessage(String(forbidden[forbidden.length - 1])))] };
  const parsed = schemaOf(specs).safeParse(props);
  const problems: Problem[] = parsed.success ? [] : zodProblems(parsed.error);
  if (isObject(props)) problems.push(...crossRules(props));
  const seen = new Set<string>();
  const once = problems.filter((p) => {
    const key = p.path.join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { data: once.length || !parsed.success ? null : (parsed.data as Record<string, unknown>), problems: once };
}

/** Zod issues as problems: a missing value is REQUIRED, anything else INVALID. */
export function zodProblems(error: z.ZodError, prefix: ProblemPath = []): Problem[] {
  return error.issues.map((issue) => {
    const missing = issue.code === 'invalid_type' && issue.received === 'undefined';
    return problem([...prefix, ...issue.path], missing ? 'is required' : issue.message, missing ? 'REQUIRED' : 'INVALID');
  });
}
