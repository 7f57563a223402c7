/**
 * A hash table of 128-bit keys, each with a 128-bit value, held in one typed array (open addressing,
 * linear probing): 32 bytes a slot, outside the JavaScript heap, where a Map of id strings to digest
 * strings costs a few hundred bytes an entry on it. The importer keys it by a digest of a record's
 * identity (a node's id, an edge's type, ends and key) with a digest of its properties as the value.
 * Keys are digests already, so their first word is the slot. Digests come as binary strings (one byte a
 * character, crypto's 'binary' output): several times cheaper to make than a Buffer each.
 */

/** Bytes of a key or value: the index keeps a digest's first DIGEST_BYTES. */
export const DIGEST_BYTES = 16;
const WORDS = DIGEST_BYTES / 4;
/** Words of a slot: key, then value. */
const SLOT = WORDS * 2;
const MAX_LOAD = 0.7;

export type DigestIndexResult = 'added' | 'same' | 'different';

/** A digest as a binary string: one byte a character; only its first DIGEST_BYTES are read. */
export type Digest = string;

export class DigestIndex {
  private slots: Int32Array;
  private used: Uint8Array;
  private mask: number;
  /** Keys held. */
  size = 0;

  constructor(capacity = 1024) {
    let slots = 16;
    while (slots < capacity / MAX_LOAD) slots *= 2;
    this.mask = slots - 1;
    this.slots = new Int32Array(slots * SLOT);
    this.used = new Uint8Array(slots);
  }

  /** Slots allocated (for memory accounting: SLOT words each). */
  get capacity(): number {
    return this.used.length;
  }

  /** Bytes the table holds, whatever it holds. */
  get bytes(): number {
    return this.slots.byteLength + this.used.byteLength;
  }

  /** The slot holding `key`, or the empty slot where it would go (as -1 - slot). */
  private find(key: Digest): number {
    const k0 = readWord(key, 0);
    const k1 = readWord(key, 1);
    const k2 = readWord(key, 2);
    const k3 = readWord(key, 3);
    for (let slot = k0 & this.mask; ; slot = (slot + 1) & this.mask) {
      if (!this.used[slot]) return -1 - slot;
      const at = slot * SLOT;
      const s = this.slots;
      if (s[at] === k0 && s[at + 1] === k1 && s[at + 2] === k2 && s[at + 3] === k3) return slot;
    }
  }

  has(key: Digest): boolean {
    return this.find(key) >= 0;
  }

  /**
   * Adds `key` with `value`; a key held already keeps its first value, and the answer says whether the
   * value given is the same.
   */
  add(key: Digest, value: Digest): DigestIndexResult {
    const found = this.find(key);
    if (found >= 0) {
      const at = found * SLOT + WORDS;
      for (let w = 0; w < WORDS; w++) if (this.slots[at + w] !== readWord(value, w)) return 'different';
      return 'same';
    }
    if (this.size + 1 > this.capacity * MAX_LOAD) {
      this.grow();
      return this.add(key, value);
    }
    const slot = -1 - found;
    const at = slot * SLOT;
    for (let w = 0; w < WORDS; w++) {
      this.slots[at + w] = readWord(key, w);
      this.slots[at + WORDS + w] = readWord(value, w);
    }
    this.used[slot] = 1;
    this.size++;
    return 'added';
  }

  private grow(): void {
    const old = this.slots;
    const oldUsed = this.used;
    const slots = oldUsed.length * 2;
    this.mask = slots - 1;
    this.slots = new Int32Array(slots * SLOT);
    this.used = new Uint8Array(slots);
    for (let from = 0; from < oldUsed.length; from++) {
      if (!oldUsed[from]) continue;
      let slot = old[from * SLOT] & this.mask;
      while (this.used[slot]) slot = (slot + 1) & this.mask;
      this.slots.set(old.subarray(from * SLOT, from * SLOT + SLOT), slot * SLOT);
      this.used[slot] = 1;
    }
  }
}

function readWord(bytes: Digest, word: number): number {
  const i = word * 4;
  return bytes.charCodeAt(i) | (bytes.charCodeAt(i + 1) << 8) | (bytes.charCodeAt(i + 2) << 16) | (bytes.charCodeAt(i + 3) << 24);
}
