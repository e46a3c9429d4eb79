import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FingerprintTable, Frontier } from '../../src/engine/store.ts';

const word = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 0xffffffff }));
const op = (W: number) => fc.oneof(fc.record({ push: fc.array(word, { minLength: W, maxLength: W }), id: fc.nat(), depth: fc.nat({ max: 1000 }) }), fc.constant({ pop: true as const }));

describe('the compressed frontier', () => {
  for (const lifo of [false, true]) {
    it(`gives back exactly the states pushed, in ${lifo ? 'LIFO' : 'FIFO'} order, whatever their words`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 40 }).chain((W) => fc.tuple(fc.constant(W), fc.array(op(W), { maxLength: 200 }))), ([W, ops]) => {
          const f = new Frontier(W, lifo);
          const model: { id: number; depth: number; words: number[] }[] = [];
          const out = new Uint32Array(W);
          const meta = new Int32Array(2);
          const popOne = () => {
            const want = lifo ? model.pop() : model.shift();
            expect(f.pop(out, meta)).toBe(want !== undefined);
            if (want) expect([meta[0], meta[1], [...out]]).toEqual([want.id, want.depth, want.words]);
          };
          for (const o of ops) {
            if ('pop' in o) popOne();
            else {
              f.push(o.id, o.depth, Uint32Array.from(o.push));
              model.push({ id: o.id, depth: o.depth, words: o.push });
            }
            expect(f.length).toBe(model.length);
          }
          expect([...f.records()].map((r) => [r.id, r.depth, [...r.words]])).toEqual((lifo ? [...model].reverse() : model).map((r) => [r.id, r.depth, r.words]));
          while (model.length) popOne();
          expect(f.pop(out, meta)).toBe(false);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('keeps a breadth-first frontier of similar states in far fewer bytes than their words', () => {
    const W = 75;
    const f = new Frontier(W, false);
    const w = new Uint32Array(W).map((_v, i) => (i * 2654435761) >>> 0);
    for (let n = 0; n < 100_000; n++) {
      w[n % W] = n; // siblings differ in a word or two
      f.push(n, 10, w);
    }
    expect(f.bytes).toBeLessThan((100_000 * W * 4) / 8);
  });
});

describe('the fingerprint table', () => {
  it('gives each new fingerprint the next id and a repeated one its old id, across growth', () => {
    const t = new FingerprintTable(16);
    for (let i = 0; i < 10_000; i++) expect(t.add(i * 7919, i ^ 0x5555)).toBe(i);
    for (let i = 0; i < 10_000; i += 97) expect(t.add(i * 7919, i ^ 0x5555)).toBe(-1 - i);
    expect(t.add(0, 0)).toBe(10_000);
    expect(t.lookup(0, 0)).toBe(10_000);
    expect(t.lookup(1, 1)).toBe(-1);
  });
});
