// The lean store of the exhaustive search: 64-bit fingerprints of packed
// states in an open-addressing table of typed arrays, compact parent links
// for rebuilding counterexamples, and frontiers of packed states only
// (a state that has been expanded is dropped). SPIN keeps about 120 bytes a
// state with full state storage; this store keeps 12 bytes a table slot
// (at most 70% full) and 6 bytes of parent link per state, plus the
// frontier.

/** Two independent 32-bit lanes over the words of a state (murmur3's and xxhash32's mixing). */
export function hashWords(w: Uint32Array, n: number, out: Uint32Array): void {
  let a = 0x5eed1b0b ^ n, b = 0x51ab51ab ^ Math.imul(n, 0x9e3779b1);
  for (let i = 0; i < n; i++) {
    let k = w[i]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    a ^= k;
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    b = (b + Math.imul(w[i]!, 0x85ebca77)) | 0;
    b = (b << 13) | (b >>> 19);
    b = Math.imul(b, 0x9e3779b1);
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  a ^= a >>> 16;
  b ^= b >>> 15;
  b = Math.imul(b, 0x2c1b3c6d);
  b ^= b >>> 12;
  b = Math.imul(b, 0x297a2d39);
  b ^= b >>> 15;
  out[0] = a >>> 0;
  out[1] = b >>> 0;
}

/**
 * Fingerprint → state id (0, 1, 2, ... in the order states were added).
 * The pair (0, 0) marks an empty slot; a fingerprint equal to it is stored
 * as (0, 1).
 */
export class FingerprintTable {
  private table: Uint32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 16) {
    let cap = 1 << 4;
    while (cap < capacity) cap <<= 1;
    this.table = new Uint32Array(cap * 3);
    this.mask = cap - 1;
  }

  /** Adds fingerprint (a, b) with id `this.size`: returns that id if new, else -1 - the id it had. */
  add(a: number, b: number): number {
    if (a === 0 && b === 0) b = 1;
    if ((this.size + 1) * 10 > (this.mask + 1) * 7) this.grow();
    return this.insert(a, b, this.size);
  }

  /** The id of fingerprint (a, b), or -1. */
  lookup(a: number, b: number): number {
    if (a === 0 && b === 0) b = 1;
    const t = this.table;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const x = t[3 * i]!, y = t[3 * i + 1]!;
      if (x === 0 && y === 0) return -1;
      if (x === a && y === b) return t[3 * i + 2]!;
      i = (i + 1) & this.mask;
    }
  }

  private insert(a: number, b: number, id: number): number {
    const t = this.table;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const x = t[3 * i]!, y = t[3 * i + 1]!;
      if (x === 0 && y === 0) {
        t[3 * i] = a;
        t[3 * i + 1] = b;
        t[3 * i + 2] = id;
        this.size++;
        return id;
      }
      if (x === a && y === b) return -1 - t[3 * i + 2]!;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = (old.length / 3) * 2 - 1;
    const n = this.size;
    this.size = 0;
    for (let i = 0; i < old.length; i += 3) {
      const a = old[i]!, b = old[i + 1]!;
      if (a !== 0 || b !== 0) this.insert(a, b, old[i + 2]!);
    }
    this.size = n;
  }

  get bytes(): number {
    return this.table.byteLength;
  }

  /** Every (a, b, id) triple (for checkpoints). */
  entries(): Uint32Array {
    return this.table;
  }

  /** Restores a table saved with entries(). */
  static fromEntries(table: Uint32Array, size: number): FingerprintTable {
    const t = new FingerprintTable(1);
    t.table = table;
    t.mask = table.length / 3 - 1;
    t.size = size;
    return t;
  }

  /**
   * The probability that two of the `n` states stored share a fingerprint
   * (and one was taken for the other), as TLC reports it: about n^2 / 2^65.
   */
  static collisionProbability(n: number): number {
    return Math.min(1, (n * n) / 2 ** 65);
  }
}

/** A growable Int32 array. */
export class Ints {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1 << 12) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  get bytes(): number {
    return this.data.byteLength;
  }
}

/** A growable Uint16 array (action indices). */
export class Shorts {
  data: Uint16Array;
  length = 0;
  constructor(capacity = 1 << 12) {
    this.data = new Uint16Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Uint16Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  get bytes(): number {
    return this.data.byteLength;
  }
}

/**
 * A frontier of packed states, each stored as its id, its depth and its
 * words, in chunks; FIFO (breadth-first) or LIFO (depth-first). Chunks that
 * have been consumed are released.
 */
export class Frontier {
  private readonly rec: number;
  private readonly perChunk: number;
  private chunks: Uint32Array[] = [];
  /** Index of the first record (FIFO) in chunks[0]. */
  private headIdx = 0;
  /** Records in the last chunk. */
  private tailIdx = 0;
  length = 0;
  peakBytes = 0;

  constructor(
    readonly width: number,
    readonly lifo: boolean,
  ) {
    this.rec = width + 2;
    this.perChunk = Math.max(64, Math.floor((1 << 18) / this.rec));
  }

  push(id: number, depth: number, w: Uint32Array): void {
    let last = this.chunks[this.chunks.length - 1];
    if (!last || this.tailIdx === this.perChunk) {
      last = new Uint32Array(this.perChunk * this.rec);
      this.chunks.push(last);
      this.tailIdx = 0;
      const bytes = this.chunks.length * last.byteLength;
      if (bytes > this.peakBytes) this.peakBytes = bytes;
    }
    const o = this.tailIdx * this.rec;
    last[o] = id;
    last[o + 1] = depth;
    for (let i = 0, n = this.width; i < n; i++) last[o + 2 + i] = w[i]!;
    this.tailIdx++;
    this.length++;
  }

  /** Takes the next state into `out`; returns [id, depth] through `meta`, or false when empty. */
  pop(out: Uint32Array, meta: Int32Array): boolean {
    if (this.length === 0) return false;
    let chunk: Uint32Array;
    let o: number;
    if (this.lifo) {
      chunk = this.chunks[this.chunks.length - 1]!;
      this.tailIdx--;
      o = this.tailIdx * this.rec;
      if (this.tailIdx === 0) {
        this.chunks.pop();
        this.tailIdx = this.chunks.length ? this.perChunk : 0;
      }
    } else {
      chunk = this.chunks[0]!;
      o = this.headIdx * this.rec;
      this.headIdx++;
      if (this.headIdx === this.perChunk || (this.chunks.length === 1 && this.headIdx === this.tailIdx)) {
        this.chunks.shift();
        this.headIdx = 0;
        if (this.chunks.length === 0) this.tailIdx = 0;
      }
    }
    meta[0] = chunk[o]!;
    meta[1] = chunk[o + 1]!;
    for (let i = 0, n = this.width; i < n; i++) out[i] = chunk[o + 2 + i]!;
    this.length--;
    return true;
  }

  /** Every record, in order (for checkpoints). */
  *records(): Generator<{ id: number; depth: number; words: Uint32Array }> {
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      const from = !this.lifo && c === 0 ? this.headIdx : 0;
      const to = c === this.chunks.length - 1 ? this.tailIdx : this.perChunk;
      for (let r = from; r < to; r++) {
        const o = r * this.rec;
        yield { id: chunk[o]!, depth: chunk[o + 1]!, words: chunk.slice(o + 2, o + 2 + this.width) };
      }
    }
  }

  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, 0);
  }
}
