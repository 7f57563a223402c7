export interface Backoff {
  /** The wait before the first retry. */
  initialMs: number;
  /** No wait is longer than this. */
  maxMs: number;
}

/** Exponential backoff: the wait before retry number `attempt` (1, 2, 3 …) is initial·2^(attempt−1), capped. */
export function backoffDelay(attempt: number, { initialMs, maxMs }: Backoff): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number from 1, got ${attempt}`);
  // 2^31 is far past any cap; stopping the exponent there keeps the number finite.
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 31));
}
