// The lean store of the exhaustive search: 64-bit fingerprints of packed
// states in an open-addressing table of typed arrays, compact parent links
// for rebuilding counterexamples, and frontiers of packed states only
// (a state that has been expanded is dropped). SPIN keeps about 120 bytes a
// state with full state storage; this store keeps 12 bytes a table slot
// (at most 70% full) and 6 bytes of parent link per state (arrays grown by
// half), plus the compressed frontier.

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
  /** The first `length` values of `data` (for checkpoints). */
  static of(data: Int32Array, length = data.length): Ints {
    const x = new Ints(Math.max(16, data.length));
    x.data.set(data);
    x.length = length;
    return x;
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(Math.ceil(this.data.length * 1.5));
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
  /** The first `length` values of `data` (for checkpoints). */
  static of(data: Uint16Array, length = data.length): Shorts {
    const x = new Shorts(Math.max(16, data.length));
    x.data.set(data);
    x.length = length;
    return x;
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Uint16Array(Math.ceil(this.data.length * 1.5));
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
 * words, compressed: a bitmap of the words that differ from the previous
 * record (breadth-first: the record pushed before it; depth-first: zero),
 * then those words' XOR as variable-length integers. Sibling states differ
 * in a few words, so a record of a 75-word state takes 15-40 bytes, not
 * 300. FIFO (breadth-first) or LIFO (depth-first); consumed chunks are
 * released. A FIFO pops records in the order they were pushed, so each is
 * decoded against the record popped before it.
 */
export class Frontier {
  private static readonly CHUNK = 1 << 20;
  private readonly maxRec: number;
  private chunks: Uint8Array[] = [];
  /** Bytes used in each chunk. */
  private used: number[] = [];
  /** FIFO: read offset in chunks[0]. */
  private head = 0;
  private readonly lastIn: Uint32Array;
  private readonly lastOut: Uint32Array;
  length = 0;
  peakBytes = 0;

  constructor(
    readonly width: number,
    readonly lifo: boolean,
  ) {
    this.maxRec = 10 + ((width + 7) >> 3) + 5 * width + 2;
    this.lastIn = new Uint32Array(width);
    this.lastOut = new Uint32Array(width);
  }

  push(id: number, depth: number, w: Uint32Array): void {
    let c = this.chunks.length - 1;
    if (c < 0 || this.used[c]! + this.maxRec > this.chunks[c]!.length) {
      this.chunks.push(new Uint8Array(Math.max(Frontier.CHUNK, this.maxRec)));
      this.used.push(0);
      c++;
      const bytes = this.bytes;
      if (bytes > this.peakBytes) this.peakBytes = bytes;
    }
    const buf = this.chunks[c]!;
    const start = this.used[c]!;
    let o = putVar(buf, start, id >>> 0);
    o = putVar(buf, o, depth >>> 0);
    const W = this.width;
    const map = o;
    const mapBytes = (W + 7) >> 3;
    o += mapBytes;
    // One bitmap byte per 8 words, written whole (no fill, no read-modify-write per bit).
    if (this.lifo) {
      for (let j = 0, i = 0; j < mapBytes; j++) {
        let bits = 0;
        for (let b = 0; b < 8 && i < W; b++, i++) {
          const x = w[i]!;
          if (x !== 0) {
            bits |= 1 << b;
            o = putVar(buf, o, x);
          }
        }
        buf[map + j] = bits;
      }
    } else {
      const prev = this.lastIn;
      for (let j = 0, i = 0; j < mapBytes; j++) {
        let bits = 0;
        for (let b = 0; b < 8 && i < W; b++, i++) {
          const x = (w[i]! ^ prev[i]!) >>> 0;
          if (x !== 0) {
            bits |= 1 << b;
            o = putVar(buf, o, x);
          }
        }
        buf[map + j] = bits;
      }
      // (A subarray only when `w` is longer: making one allocates, on every push.)
      prev.set(w.length === W ? w : w.subarray(0, W));
    }
    if (this.lifo) {
      const len = o - start;
      buf[o++] = len & 0xff;
      buf[o++] = len >>> 8;
    }
    this.used[c] = o;
    this.length++;
  }

  /** Takes the next state into `out`; returns [id, depth] through `meta`, or false when empty. */
  pop(out: Uint32Array, meta: Int32Array): boolean {
    if (this.length === 0) return false;
    let buf: Uint8Array;
    let o: number;
    if (this.lifo) {
      const c = this.chunks.length - 1;
      buf = this.chunks[c]!;
      const end = this.used[c]!;
      const len = buf[end - 2]! | (buf[end - 1]! << 8);
      o = end - 2 - len;
      this.used[c] = o;
      if (o === 0) {
        this.chunks.pop();
        this.used.pop();
      }
      this.decode(buf, o, out, meta, undefined);
    } else {
      buf = this.chunks[0]!;
      this.head = this.decode(buf, this.head, out, meta, this.lastOut);
      if (this.head === this.used[0]) {
        this.chunks.shift();
        this.used.shift();
        this.head = 0;
      }
    }
    this.length--;
    return true;
  }

  private decode(buf: Uint8Array, o: number, out: Uint32Array, meta: Int32Array, prev: Uint32Array | undefined): number {
    meta[0] = readVar(buf, o);
    meta[1] = readVar(buf, varEnd);
    const W = this.width;
    const map = varEnd;
    const mapBytes = (W + 7) >> 3;
    o = map + mapBytes;
    // The words whose bit is set follow as varints (readVar() is small enough for V8 to inline here).
    const into = prev ?? out;
    if (!prev) out.fill(0);
    for (let j = 0; j < mapBytes; j++) {
      let bits = buf[map + j]!;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const x = readVar(buf, o);
        o = varEnd;
        const i = (j << 3) + b;
        into[i] = (into[i]! ^ x) >>> 0;
      }
    }
    if (prev) out.set(prev);
    return o;
  }

  /** Every record, in the order they would be popped (for checkpoints). */
  *records(): Generator<{ id: number; depth: number; words: Uint32Array }> {
    const meta = new Int32Array(2);
    if (this.lifo) {
      // Walk each chunk forward, then yield in pop order (last first).
      const all: { id: number; depth: number; words: Uint32Array }[] = [];
      for (let c = 0; c < this.chunks.length; c++) {
        const buf = this.chunks[c]!;
        for (let o = 0; o < this.used[c]!; ) {
          const words = new Uint32Array(this.width);
          o = this.decode(buf, o, words, meta, undefined) + 2;
          all.push({ id: meta[0]!, depth: meta[1]!, words });
        }
      }
      for (let i = all.length - 1; i >= 0; i--) yield all[i]!;
      return;
    }
    const prev = this.lastOut.slice();
    for (let c = 0; c < this.chunks.length; c++) {
      const buf = this.chunks[c]!;
      for (let o = c === 0 ? this.head : 0; o < this.used[c]!; ) {
        const words = new Uint32Array(this.width);
        o = this.decode(buf, o, words, meta, prev);
        yield { id: meta[0]!, depth: meta[1]!, words };
      }
    }
  }

  get bytes(): number {
    let n = 0;
    for (const c of this.chunks) n += c.byteLength;
    return n;
  }
}

/** Writes `v` (0 .. 2^32 - 1) as a little-endian base-128 varint at `o`; returns the offset after it. */
function putVar(buf: Uint8Array, o: number, v: number): number {
  while (v >= 0x80) {
    buf[o++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[o++] = v;
  return o;
}

/** The offset after the varint readVar() read last (a module variable: no pair returned, no position array). */
let varEnd = 0;

/** Reads the varint at `o` (see putVar); sets varEnd to the offset after it. */
function readVar(buf: Uint8Array, o: number): number {
  let c = buf[o++]!;
  let x = c & 0x7f;
  if (c >= 0x80) {
    c = buf[o++]!;
    x |= (c & 0x7f) << 7;
    if (c >= 0x80) {
      c = buf[o++]!;
      x |= (c & 0x7f) << 14;
      if (c >= 0x80) {
        c = buf[o++]!;
        x |= (c & 0x7f) << 21;
        if (c >= 0x80) x = (x >>> 0) + (buf[o++]! & 0x7f) * 0x10000000;
      }
    }
  }
  varEnd = o;
  return x >>> 0;
}

