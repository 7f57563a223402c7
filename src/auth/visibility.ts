import type { Label } from '../ids.js';
import { InvariantError } from '../errors.js';
import { markingAtMost, visibleMarkings, type Marking, type Principal } from './principal.js';

/**
 * What a principal may see, as Cypher. Statements and sources carry a marking (absent: CLEAR); actors,
 * units and places carry none and are public. A node is visible when it is not a statement or source, or
 * when its marking is at or below the clearance; a relationship when both its ends are. Every query that
 * can reach a statement or a source puts this predicate inside its own Cypher (in the MATCH that reaches
 * the node, in the EXISTS of a filter, in the steps of a traversal), so what is hidden never enters a
 * page, a count, a cursor, a path or an aggregate: nothing is filtered after the query.
 */

/** The labels whose nodes carry a marking. */
export const MARKED_LABELS: readonly Label[] = ['Statement', 'Source'];

/** The query parameter holding the markings a principal sees. */
export const VISIBLE_MARKINGS_PARAM = 'visibleMarkings';

/** A node's marking in Cypher: a node without one is CLEAR. */
export const markingExpression = (v: string) => `coalesce(${v}.marking, 'CLEAR')`;

const LABEL_NAME = /^[A-Z][A-Za-z]*$/;

export class Visibility {
  /** Sees everything: no predicate is ever written. */
  static readonly ALL = new Visibility('RED');

  /** The markings seen, or null when every one is (then no predicate is written). */
  readonly markings: readonly Marking[] | null;

  constructor(readonly clearance: Marking) {
    this.markings = visibleMarkings(clearance);
  }

  static of(principal: Pick<Principal, 'clearance'>): Visibility {
    return principal.clearance === 'RED' ? Visibility.ALL : new Visibility(principal.clearance);
  }

  get seesAll(): boolean {
    return this.markings === null;
  }

  /** Whether a node with this marking (absent: CLEAR) is visible. */
  sees(marking: Marking | null | undefined): boolean {
    return markingAtMost(marking ?? 'CLEAR', this.clearance);
  }

  /** The parameters the predicates refer to (none when there are none). */
  params(): Record<string, unknown> {
    return this.markings === null ? {} : { [VISIBLE_MARKINGS_PARAM]: this.markings };
  }

  /**
   * The predicate "node variable `v` is visible", for a node that can carry any of `labels` (null: any
   * label at all). Null when it always holds: everything is visible, or none of the labels is marked.
   */
  predicate(v: string, labels: readonly Label[] | null): string | null {
    if (this.markings === null) return null;
    const marked = labels === null ? MARKED_LABELS : labels.filter((l) => MARKED_LABELS.includes(l));
    if (!marked.length) return null;
    const test = `${markingExpression(v)} IN $${VISIBLE_MARKINGS_PARAM}`;
    if (labels !== null && marked.length === labels.length) return test;
    for (const label of marked) if (!LABEL_NAME.test(label)) throw new InvariantError(`${label} is not a label`);
    return `(NOT (${marked.map((l) => `${v}:${l}`).join(' OR ')}) OR ${test})`;
  }

  /** For a node that must be visible: the predicate, or `true`. */
  require(v: string, labels: readonly Label[] | null): string {
    return this.predicate(v, labels) ?? 'true';
  }
}
