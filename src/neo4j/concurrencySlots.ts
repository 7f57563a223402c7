import pLimit from 'p-limit';

/** A number of slots that async work takes and gives back; who finds them all taken waits in line (first come, first served). */
export interface ConcurrencySlots {
  /** Resolves, once a slot is free, with the function that gives it back (calling it twice gives it back once). */
  acquire(): Promise<() => void>;
  /** Slots taken now. */
  readonly active: number;
  /** Callers waiting for a slot. */
  readonly waiting: number;
}

export function concurrencySlots(size: number): ConcurrencySlots {
  const limit = pLimit(size);
  return {
    acquire() {
      // The slot is held for as long as the promise given to p-limit is pending, i.e. until released.
      return new Promise<() => void>((granted) => {
        void limit(
          () =>
            new Promise<void>((release) => {
              let released = false;
              granted(() => {
                if (released) return;
                released = true;
                release();
              });
            }),
        );
      });
    },
    get active() {
      return limit.activeCount;
    },
    get waiting() {
      return limit.pendingCount;
    },
  };
}
