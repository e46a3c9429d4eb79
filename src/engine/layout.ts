// Packed states: a state is one flat Uint32Array, laid out from a schema the
// model declares. Each field has a bit width; fields are packed into 32-bit
// words (a field never straddles two words), so a state of a few hundred
// small fields is a few dozen words: cheap to copy, to hash and to keep in
// a frontier. Values are stored with an offset (`min`), so a field of width
// 4 with min -1 holds -1 .. 14: -1 is the usual "NULL".
//
// A model builds its layout once per configuration and reads and writes
// fields through accessors bound to word index, shift and mask: plain
// arithmetic on the array, no allocation, no proxies. Writing a value that
// does not fit is a ModelError naming the field (a bound of the schema was
// too small), never a silently wrong state.
import { ModelError } from './errors.ts';

export interface FieldSpec {
  /** Smallest value (default 0): the field stores value - min. */
  readonly min?: number;
  /** Largest value. */
  readonly max: number;
}

export interface Field {
  readonly name: string;
  readonly word: number;
  readonly shift: number;
  readonly bits: number;
  readonly mask: number;
  readonly min: number;
  readonly max: number;
}

/** Bits needed for values min..max. */
export function bitsFor(min: number, max: number): number {
  const span = max - min;
  if (span < 0) throw new Error(`bad field range ${min}..${max}`);
  return span === 0 ? 1 : 32 - Math.clz32(span);
}

/**
 * Allocates fields into words, in declaration order, first fit: a field goes
 * into the first word that has room for it, so the layout is deterministic.
 */
export class LayoutBuilder {
  private readonly used: number[] = [];
  readonly fields: Field[] = [];

  constructor(private readonly modelId: string) {}

  field(name: string, spec: FieldSpec): Field {
    const min = spec.min ?? 0;
    const bits = bitsFor(min, spec.max);
    if (bits > 32) throw new ModelError(this.modelId, `field ${name} needs ${bits} bits`);
    let word = this.used.findIndex((u) => u + bits <= 32);
    if (word < 0) {
      word = this.used.length;
      this.used.push(0);
    }
    const f: Field = { name, word, shift: this.used[word]!, bits, mask: bits === 32 ? 0xffffffff : (1 << bits) - 1, min, max: spec.max };
    this.used[word]! += bits;
    this.fields.push(f);
    return f;
  }

  /** A whole word for one field (for values up to 2^32 - 1 + min). */
  word(name: string, min = 0): Field {
    return this.field(name, { min, max: min + 0xfffffffe });
  }

  /** Reserves `n` fresh whole words, one after another (an area addressed by its own sub-layout); returns the first. */
  words(n: number): number {
    const first = this.used.length;
    for (let i = 0; i < n; i++) this.used.push(32);
    return first;
  }

  get width(): number {
    return this.used.length;
  }
}

/** Reads a field of a state. */
export function get(w: Uint32Array, f: Field): number {
  return ((w[f.word]! >>> f.shift) & f.mask) + f.min;
}

/** Writes a field of a state; a value out of the field's range is a model error. */
export function set(w: Uint32Array, f: Field, v: number, modelId = 'model'): void {
  if (v < f.min || v > f.max || !Number.isInteger(v)) overflow(f, v, modelId);
  const x = v - f.min;
  w[f.word] = ((w[f.word]! & ~(f.mask << f.shift)) | ((x & f.mask) << f.shift)) >>> 0;
}

function overflow(f: Field, v: number, modelId: string): never {
  throw new ModelError(modelId, `value ${v} does not fit field ${f.name} (${f.min}..${f.max}): a bound of the state layout is too small for this scenario`);
}
