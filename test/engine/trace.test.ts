import { describe, expect, it } from 'vitest';
import { decodeToken, encodeToken, parseTraceJson, replay, traceToJson, ReplayMismatch, type Trace } from '../../src/engine/trace.ts';
import { search } from '../../src/engine/search.ts';
import { model as incrementRace } from '../../models/toy/increment-race.ts';
import { UsageError } from '../../src/engine/errors.ts';

const found = search(incrementRace);
const trace = found.trace!;

describe('replay tokens', () => {
  it('round-trip a counterexample exactly', () => {
    const token = encodeToken(trace);
    expect(token.startsWith('sc1.')).toBe(true);
    expect(decodeToken(token)).toEqual(trace);
  });

  it('round-trip through the JSON trace file form', () => {
    expect(parseTraceJson(traceToJson(trace))).toEqual(trace);
  });

  it('replay to the same states the explorer found', () => {
    const path = replay(incrementRace, decodeToken(encodeToken(trace)));
    expect(path.states.at(-1)).toEqual(found.path!.states.at(-1));
    expect(path.states.at(-1)!.counter).toBe(1);
  });

  it('reject a token of another version, and garbage, as bad input', () => {
    expect(() => decodeToken('sc2.abc')).toThrow(/version 2 is not supported/);
    expect(() => decodeToken('sc1.!!!!')).toThrow(UsageError);
    expect(() => decodeToken('hello')).toThrow(UsageError);
    expect(() => parseTraceJson('{"slubcheck_trace": 1}')).toThrow(/missing model or steps/);
  });

  it('fail loudly when a recorded action is no longer enabled or has another name', () => {
    const wrongIndex: Trace = { ...trace, steps: [{ ...trace.steps[0]!, index: 7 }] };
    expect(() => replay(incrementRace, wrongIndex)).toThrow(ReplayMismatch);
    const wrongName: Trace = { ...trace, steps: [{ ...trace.steps[0]!, step: 'increment/store' }] };
    expect(() => replay(incrementRace, wrongName)).toThrow(/expected thread0 increment\/store/);
    expect(() => replay(incrementRace, { ...trace, model: 'toy/peterson' })).toThrow(/for model toy\/peterson/);
  });
});
