import neo4j, { type ManagedTransaction } from 'neo4j-driver';
import type { Context } from '../context.js';
import { InvariantError } from '../errors.js';
import type { GraphModel } from '../model/graphModel.js';
import { recordChanges, type ChangeEntry, type RecordedChange } from './changeLog.js';

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
  /** The time of record of everything this write changes (updatedAt, createdAt, the change log). */
  readonly at = new Date();
  readonly now = neo4j.types.DateTime.fromStandardDate(this.at);
  constructor(
    readonly tx: ManagedTransaction,
    readonly model: GraphModel,
    readonly who: string,
  ) {}

  log(entry: ChangeEntry): void {
    this.entries.push(entry);
  }
}

export interface WriteResult<T> {
  result: T;
  /** The change-log entries recorded, in order. */
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
      const w = new Writer(tx, model, writerOf(ctx));
      const result = await work(w);
      const changes = await recordChanges(tx, w.entries, { who: w.who, at: w.at, via });
      return { result, changes };
    },
    { metadata: { via } },
  );
}
