import neo4j, { type ManagedTransaction } from 'neo4j-driver';
import type { Context } from '../context.js';
import { InvariantError } from '../errors.js';
import type { GraphModel } from '../model/graphModel.js';
import { recordChanges, timeOfRecord, type ChangeEntry, type RecordedChange } from './changeLog.js';
import { Visibility } from '../auth/visibility.js';

/**
 * One write: a managed write transaction in which the work and its change-log entries commit together or
 * not at all. A thrown error (a user error found half-way, a lost connection) rolls everything back.
 */

const CONTROL = /[\u0000-\u001F\u007F]/g;
export const MAX_WRITER_LENGTH = 200;

/**
 * Who is writing, as the change log records it: the authenticated principal's name (key:<name>,
 * jwt:<subject>, local:<user>), never anything the request says about itself. Control characters are
 * dropped and the length capped, whatever an identity provider puts in a subject.
 */
export function writerOf(ctx: Pick<Context, 'principal'>): string {
  const name = ctx.principal.name.replace(CONTROL, '').trim().slice(0, MAX_WRITER_LENGTH);
  if (!name) throw new InvariantError('a principal without a name cannot write');
  return name;
}

/** What the work of one write gets: the transaction, its time of record, and the entries to log. */
export class Writer {
  readonly entries: ChangeEntry[] = [];
  /** Entries logged but not shown to the writer: about relationships to nodes it may not see. */
  private readonly unseen = new Set<ChangeEntry>();
  readonly now: ReturnType<typeof neo4j.types.DateTime.fromStandardDate>;
  constructor(
    readonly tx: ManagedTransaction,
    readonly model: GraphModel,
    readonly who: string,
    /** What the writer may see: nodes it may not see do not exist for its write. */
    readonly visibility: Visibility,
    /** The mutation (or route) writing, as the change log's `via` records it. */
    readonly via: string,
    /** The time of record of everything this write changes (updatedAt, createdAt, the change log). */
    readonly at: Date,
  ) {
    this.now = neo4j.types.DateTime.fromStandardDate(at);
  }

  /** Logs a change; `seen: false` records it without showing it in the payload (it touches a hidden node). */
  log(entry: ChangeEntry, seen = true): void {
    this.entries.push(entry);
    if (!seen) this.unseen.add(entry);
  }

  /** Whether the writer may see this entry. */
  shows(entry: ChangeEntry): boolean {
    return !this.unseen.has(entry);
  }
}

export interface WriteResult<T> {
  result: T;
  /** The change-log entries recorded, in order (those the writer may see). */
  changes: RecordedChange[];
}

/**
 * Runs `work` in a write transaction (under the query deadline) and records its entries in the same
 * transaction. A read after the write (the payload's object) sees it, on a cluster too: the Database's
 * transactions share bookmarks. Transient failures are retried by the driver (the work must be
 * re-runnable: it is, as each run gets a fresh Writer).
 */
export async function runWrite<T>(ctx: Context, model: GraphModel, via: string, work: (w: Writer) => Promise<T>): Promise<WriteResult<T>> {
  return ctx.db.writeTransaction(
    async (tx) => {
      const w = new Writer(tx, model, writerOf(ctx), Visibility.of(ctx.principal), via, await timeOfRecord(tx));
      const result = await work(w);
      const recorded = await recordChanges(tx, w.entries, { who: w.who, at: w.at, via });
      // Everything is logged; the payload shows the writer only what it may see.
      const changes = recorded.filter((_, i) => w.shows(w.entries[i]));
      return { result, changes };
    },
    { metadata: { via } },
  );
}
