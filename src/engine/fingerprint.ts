// State fingerprints: a canonical encoding of plain data folded into a
// stable 64-bit hash (two independent 32-bit lanes).
//
// - Canonical: object keys are taken in sorted order, so two states that are
//   equal as data have the same fingerprint whatever order their keys were
//   built in. Arrays keep their order (a model keeps its collections in a
//   fixed order). Every value carries a type tag, so `1`, `"1"` and `[1]` differ.
// - Stable: the algorithm depends on nothing but the data (no addresses, no
//   insertion order, no random seed), so a fingerprint is the same across
//   runs and releases; a test pins known values.
// - Fast: no JSON.stringify in the hot loop. Immer shares every subtree a
//   step did not touch, so the hash of each object is cached by identity in
//   a WeakMap and only the changed path of a successor state is re-hashed.
//   (States are immutable by contract; the tests freeze them to enforce it.)
import { EngineError, ModelError } from './errors.ts';

const T_NULL = 0x01, T_FALSE = 0x02, T_TRUE = 0x03, T_INT = 0x04, T_FLOAT = 0x05;
const T_STR = 0x06, T_ARR = 0x07, T_OBJ = 0x08, T_UNDEF = 0x09;

// murmur3-style mixing, one lane with murmur3's constants and one with
// xxhash32's, each with its own seed.
function mixA(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
function mixB(h: number, k: number): number {
  h = (h + Math.imul(k, 0x85ebca77)) | 0;
  h = (h << 13) | (h >>> 19);
  return Math.imul(h, 0x9e3779b1);
}
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SEED_A = 0x5eed1b0b, SEED_B = 0x51ab51ab;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

// Results of hashValue, returned through module variables to avoid
// allocating a pair per value. (Engine-internal; models never see them.)
let ra = 0, rb = 0;
const cache = new WeakMap<object, readonly [number, number]>();

function hashString(s: string): void {
  let a = mixA(SEED_A, T_STR), b = mixB(SEED_B, T_STR);
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    a = mixA(a, c);
    b = mixB(b, c);
  }
  ra = fmix(a ^ n);
  rb = fmix(b ^ n);
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

function hashValue(v: unknown): void {
  switch (typeof v) {
    case 'number':
      if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) {
        ra = fmix(mixA(mixA(SEED_A, T_INT), v));
        rb = fmix(mixB(mixB(SEED_B, T_INT), v));
      } else {
        f64[0] = v;
        ra = fmix(mixA(mixA(mixA(SEED_A, T_FLOAT), u32[0]!), u32[1]!));
        rb = fmix(mixB(mixB(mixB(SEED_B, T_FLOAT), u32[0]!), u32[1]!));
      }
      return;
    case 'string':
      hashString(v);
      return;
    case 'boolean':
      ra = fmix(mixA(SEED_A, v ? T_TRUE : T_FALSE));
      rb = fmix(mixB(SEED_B, v ? T_TRUE : T_FALSE));
      return;
    case 'undefined':
      ra = fmix(mixA(SEED_A, T_UNDEF));
      rb = fmix(mixB(SEED_B, T_UNDEF));
      return;
    case 'object': {
      if (v === null) {
        ra = fmix(mixA(SEED_A, T_NULL));
        rb = fmix(mixB(SEED_B, T_NULL));
        return;
      }
      const hit = cache.get(v);
      if (hit !== undefined) {
        ra = hit[0];
        rb = hit[1];
        return;
      }
      let a: number, b: number;
      if (Array.isArray(v)) {
        a = mixA(SEED_A, T_ARR);
        b = mixB(SEED_B, T_ARR);
        for (let i = 0; i < v.length; i++) {
          hashValue(v[i]);
          a = mixA(a, ra);
          b = mixB(b, rb);
        }
        a = fmix(a ^ v.length);
        b = fmix(b ^ v.length);
      } else {
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) {
          throw new ModelError('?', `state contains a non-plain object (${(v as object).constructor?.name ?? 'unknown'}); states must be plain data`);
        }
        let keys = Object.keys(v);
        if (!isSorted(keys)) keys = keys.slice().sort();
        a = mixA(SEED_A, T_OBJ);
        b = mixB(SEED_B, T_OBJ);
        for (const k of keys) {
          hashString(k);
          a = mixA(a, ra);
          b = mixB(b, rb);
          hashValue((v as Record<string, unknown>)[k]);
          a = mixA(a, ra);
          b = mixB(b, rb);
        }
        a = fmix(a ^ keys.length);
        b = fmix(b ^ keys.length);
      }
      cache.set(v, [a, b]);
      ra = a;
      rb = b;
      return;
    }
    default:
      throw new ModelError('?', `state contains a ${typeof v}; states must be plain data`);
  }
}

/** The two 32-bit lanes of a value's fingerprint. */
export function fingerprintParts(v: unknown): [number, number] {
  hashValue(v);
  return [ra, rb];
}

/** A value's 64-bit fingerprint as 16 hex digits. */
export function fingerprint(v: unknown): string {
  hashValue(v);
  return ra.toString(16).padStart(8, '0') + rb.toString(16).padStart(8, '0');
}

/** The exact canonical encoding (sorted keys), for collision checks and tests. Not for the hot loop. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return v === undefined ? 'undefined' : JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  const keys = Object.keys(v).sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson((v as Record<string, unknown>)[k])).join(',') + '}';
}

/**
 * A map from 64-bit fingerprints to state ids (0, 1, 2, ... in the order the
 * states were added): open addressing over typed arrays, 12 bytes a slot,
 * at most half full. The pair (0, 0) marks an empty slot, so a fingerprint
 * that hashes to it is stored as (0, 1).
 */
export class FingerprintSet {
  private table: Uint32Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;
  /** With `checkCollisions`, the exact encoding of every state, to detect two states with one fingerprint. */
  private readonly exact: Map<string, string> | undefined;

  constructor(initialCapacity = 1 << 16, checkCollisions = false) {
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.table = new Uint32Array(cap * 2);
    this.ids = new Int32Array(cap);
    this.mask = cap - 1;
    this.exact = checkCollisions ? new Map() : undefined;
  }

  /** Adds the fingerprint of `state`; true when it was new. */
  add(state: unknown): boolean {
    return this.addId(state) >= 0;
  }

  /** Adds `state`: its new id (the set's size before), or -1 - the id it already had. */
  addId(state: unknown): number {
    hashValue(state);
    return this.addHashed(ra, rb, state);
  }

  /** Adds `state` under the fingerprint (a, b) (what addId does after hashing; tests use it to force a collision). */
  addHashed(a: number, b: number, state: unknown): number {
    if (a === 0 && b === 0) b = 1;
    if (this.exact) {
      const key = a.toString(16) + ':' + b.toString(16);
      const enc = canonicalJson(state);
      const prior = this.exact.get(key);
      if (prior !== undefined && prior !== enc) {
        throw new EngineError(`fingerprint collision: two different states hash to ${key}`);
      }
      this.exact.set(key, enc);
    }
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    return this.insert(a, b, this.size);
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.table.byteLength + this.ids.byteLength;
  }

  private insert(a: number, b: number, id: number): number {
    const t = this.table;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const x = t[2 * i]!, y = t[2 * i + 1]!;
      if (x === 0 && y === 0) {
        t[2 * i] = a;
        t[2 * i + 1] = b;
        this.ids[i] = id;
        this.size++;
        return id;
      }
      if (x === a && y === b) return -1 - this.ids[i]!;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const oldIds = this.ids;
    this.table = new Uint32Array(old.length * 2);
    this.ids = new Int32Array(oldIds.length * 2);
    this.mask = oldIds.length * 2 - 1;
    this.size = 0;
    for (let i = 0; i < oldIds.length; i++) {
      const a = old[2 * i]!, b = old[2 * i + 1]!;
      if (a !== 0 || b !== 0) this.insert(a, b, oldIds[i]!);
    }
  }
}
