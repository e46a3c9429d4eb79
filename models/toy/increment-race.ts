// toy/increment-race: two threads each increment a shared counter with a
// plain load and a separate store, so an update can be lost. The smallest
// race there is; the engine's tests use it, and it shows the shape of a
// model: plain state, actions in a fixed order, one produce per step.
import type { Action, Model, ModelEntry } from '../../src/engine/model.ts';
import { produce } from '../../src/engine/immer.ts';

interface State {
  readonly counter: number;
  readonly pc: readonly ('load' | 'store' | 'done')[];
  readonly tmp: readonly number[];
}

const THREADS = ['thread0', 'thread1'] as const;

export const model: Model<State, Action> = {
  id: 'toy/increment-race',
  config: null,
  contexts: THREADS,
  initStates: () => [{ counter: 0, pc: ['load', 'load'], tmp: [0, 0] }],
  actions: (s) =>
    THREADS.flatMap((context, t) => (s.pc[t] === 'done' ? [] : [{ context, step: `increment/${s.pc[t]}` }])),
  next: (s, a) =>
    produce(s, (d) => {
      const t = THREADS.indexOf(a.context as (typeof THREADS)[number]);
      if (d.pc[t] === 'load') {
        d.tmp[t] = d.counter; // tmp = READ_ONCE(counter)
        d.pc[t] = 'store';
      } else {
        d.counter = d.tmp[t]! + 1; // WRITE_ONCE(counter, tmp + 1)
        d.pc[t] = 'done';
      }
    }),
  properties: [
    { name: 'no_lost_update', kind: 'at_end', check: (s) => s.counter === 2, explain: (s) => `counter is ${s.counter} after two increments` },
    { name: 'counter_was_incremented', kind: 'sometimes', check: (s) => s.counter > 0 },
  ],
  terminal: (s) => s.pc.every((p) => p === 'done'),
};

export const entry: ModelEntry = {
  id: 'toy/increment-race',
  summary: 'two threads increment a counter with separate load and store: a lost update (violation)',
  build: () => model,
};
