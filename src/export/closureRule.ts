import type { Label } from '../ids.js';
import { InvariantError } from '../errors.js';
import type { GraphModel } from '../model/graphModel.js';

/**
 * The closure rule of an export: what is added to a selection so that the file, imported alone into an
 * empty database, reads on its own (who said it, where it was published, by whom, about which places and
 * what contains them). One step of provenance, never the whole graph: the closure never adds a statement,
 * so exporting one statement does not bring in the other statements of its source.
 *
 * - `closure: 'context'` (the default): the rule below is applied;
 * - `closure: 'none'`: exactly the selection.
 */
export const CLOSURES = ['context', 'none'] as const;
export type Closure = (typeof CLOSURES)[number];
export const DEFAULT_CLOSURE: Closure = 'context';

export const CLOSURE_RULE = {
  /** From every selected statement: its speaker, on whose behalf, what it is about, the sources it is reported in. */
  statement: ['MADE_BY', 'ON_BEHALF_OF', 'ABOUT', 'REPORTED_IN'],
  /** From every selected source, and every source added by the statement step: publisher, author, where it was geolocated. */
  source: ['PUBLISHED_BY', 'AUTHORED_BY', 'GEOLOCATED_AT'],
  /** From every node selected or added: its parents up to the root (places within places, units within units). */
  hierarchy: 'PART_OF',
} as const;

/** One step of the rule, as the graph model has it: the relationship types and the labels they may reach. */
export interface ClosureStep {
  from: Label;
  types: string[];
  to: Label[];
}

export interface ClosurePlan {
  /** Statement → speaker, on-behalf-of, subjects, sources. */
  statement: ClosureStep;
  /** Source → publisher, author, geolocation. */
  source: ClosureStep;
  hierarchy: string;
  /** For each label, the labels whose PART_OF chains can end on it (itself included). */
  reachedBy: Map<Label, Label[]>;
}

function stepOf(model: GraphModel, from: Label, types: readonly string[]): ClosureStep {
  const to = new Set<Label>();
  for (const type of types) {
    const edge = model.edges.get(type);
    const ends = edge?.endpoints.filter((e) => e.from === from) ?? [];
    if (!ends.length) throw new InvariantError(`the export closure needs (:${from})-[:${type}]-> in the graph model`);
    for (const e of ends) to.add(e.to);
  }
  return { from, types: [...types], to: [...to].sort() };
}

/**
 * The rule checked against the graph model: every relationship it follows must exist, and the labels it
 * reaches come from the model (so a speaker of any label the model allows, an actor or a unit, is included).
 */
export function closurePlan(model: GraphModel): ClosurePlan {
  if (!model.nodes.has('Statement') || !model.nodes.has('Source')) throw new InvariantError('the export closure needs Statement and Source in the graph model');
  const hierarchy = model.edges.get(CLOSURE_RULE.hierarchy);
  if (!hierarchy) throw new InvariantError(`the export closure needs ${CLOSURE_RULE.hierarchy} in the graph model`);
  const reachedBy = new Map<Label, Label[]>();
  for (const label of model.nodes.keys()) {
    const reach = new Set<Label>([label]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const e of hierarchy.endpoints)
        if (reach.has(e.to) && !reach.has(e.from)) {
          reach.add(e.from);
          grew = true;
        }
    }
    reachedBy.set(label, [...reach].sort());
  }
  return {
    statement: stepOf(model, 'Statement', CLOSURE_RULE.statement),
    source: stepOf(model, 'Source', CLOSURE_RULE.source),
    hierarchy: CLOSURE_RULE.hierarchy,
    reachedBy,
  };
}
