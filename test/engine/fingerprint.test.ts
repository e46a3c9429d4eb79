import { describe, expect, it } from 'vitest';
import { FingerprintSet, canonicalJson, fingerprint } from '../../src/engine/fingerprint.ts';
import { produce } from '../../src/engine/immer.ts';
import { EngineError, ModelError } from '../../src/engine/errors.ts';

describe('fingerprint', () => {
  it('is stable across runs and releases (pinned values)', () => {
    expect(fingerprint(null)).toBe('0b8d8e5f68c2b452');
    expect(fingerprint({ a: 1, b: [true, 'x', null] })).toBe('1fc0e12bb69b961a');
    expect(fingerprint([1, 2, 3])).toBe('0e2eb61d465fc331');
    expect(fingerprint('cpu0/task')).toBe('c46c0a407ef8fcad');
  });

  it('does not depend on the order object keys were written in', () => {
    expect(fingerprint({ a: 1, b: 2 })).toBe(fingerprint({ b: 2, a: 1 }));
  });

  it('tells apart values that only differ in type or nesting', () => {
    const values = [0, '0', [0], { 0: 0 }, false, null, [], {}, [[]], [null], 1.5, -1, 2 ** 40, '', 'a', ['a', 'b'], ['ab']];
    const fps = new Set(values.map(fingerprint));
    expect(fps.size).toBe(values.length);
  });

  it('re-hashes only what a produce changed, and still sees the change', () => {
    const s = { big: Array.from({ length: 100 }, (_, i) => ({ i })), small: { x: 1 } };
    const before = fingerprint(s);
    const t = produce(s, (d) => {
      d.small.x = 2;
    });
    expect(fingerprint(t)).not.toBe(before);
    expect(fingerprint(s)).toBe(before);
    const u = produce(t, (d) => {
      d.small.x = 1;
    });
    expect(fingerprint(u)).toBe(before);
  });

  it('rejects non-plain data in a state as a model error', () => {
    expect(() => fingerprint({ m: new Map() })).toThrow(ModelError);
    expect(() => fingerprint({ f: () => 1 })).toThrow(ModelError);
  });

  it('has a canonical JSON encoding with sorted keys', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });
});

describe('FingerprintSet', () => {
  it('adds each distinct value once, across growth', () => {
    const set = new FingerprintSet(4);
    for (let i = 0; i < 5000; i++) expect(set.add({ i })).toBe(true);
    for (let i = 0; i < 5000; i++) expect(set.add({ i })).toBe(false);
    expect(set.size).toBe(5000);
  });

  it('in collision-checking mode accepts equal states and keeps working', () => {
    const set = new FingerprintSet(4, true);
    expect(set.add({ a: [1] })).toBe(true);
    expect(set.add({ a: [1] })).toBe(false);
  });

  it('in collision-checking mode fails with an engine error when two different states share a fingerprint', () => {
    const checked = new FingerprintSet(4, true);
    expect(checked.addHashed(7, 9, { a: 1 })).toBe(0);
    expect(checked.addHashed(7, 9, { a: 1 })).toBe(-1);
    expect(() => checked.addHashed(7, 9, { a: 2 })).toThrow(EngineError);
    expect(() => checked.addHashed(7, 9, { a: 2 })).toThrow(/fingerprint collision/);
    // Without the check, the second state is taken for the first: what the check exists to catch.
    const plain = new FingerprintSet(4);
    expect(plain.addHashed(7, 9, { a: 1 })).toBe(0);
    expect(plain.addHashed(7, 9, { a: 2 })).toBe(-1);
  });

  it('gives ids in the order states are added, and the id of a state seen before', () => {
    const set = new FingerprintSet(2);
    expect([set.addId('a'), set.addId('b'), set.addId('c'), set.addId('b')]).toEqual([0, 1, 2, -2]);
  });
});
