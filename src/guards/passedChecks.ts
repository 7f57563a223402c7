/**
 * Keys of checks that passed, so a repeated request skips a check whose outcome cannot have changed. Bounded:
 * at capacity the oldest key goes. Only passes are remembered; a refusal is checked again every time.
 */
export class PassedChecks {
  private readonly keys = new Set<string>();

  constructor(
    private readonly capacity: number,
    /** Longer keys are not remembered (their check runs every time). */
    private readonly maxKeyLength: number,
  ) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    if (key.length > this.maxKeyLength) return;
    if (this.keys.size >= this.capacity) this.keys.delete(this.keys.values().next().value!);
    this.keys.add(key);
  }
}
