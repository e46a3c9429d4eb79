// toy/lock-order: two threads take two locks in opposite orders (ABBA).
// Each acquisition blocks while the lock is held, so the state where each
// thread holds one lock and waits for the other has no enabled action and is
// not terminal: a deadlock.
import type { Action, Model, ModelEntry } from '../../src/engine/model.ts';
import { produce } from '../../src/engine/immer.ts';

interface State {
  /** Holder of each lock: a thread index, or -1. */
  readonly holder: { readonly A: number; readonly B: number };
  readonly pc: readonly number[];
}

const THREADS = ['thread0', 'thread1'] as const;
type Op = readonly ['lock' | 'unlock', 'A' | 'B'];
const PROGRAMS: readonly (readonly Op[])[] = [
  [['lock', 'A'], ['lock', 'B'], ['unlock', 'B'], ['unlock', 'A']],
  [['lock', 'B'], ['lock', 'A'], ['unlock', 'A'], ['unlock', 'B']],
];

export const model: Model<State, Action> = {
  id: 'toy/lock-order',
  config: null,
  contexts: THREADS,
  initStates: () => [{ holder: { A: -1, B: -1 }, pc: [0, 0] }],
  actions: (s) =>
    THREADS.flatMap((context, t) => {
      const op = PROGRAMS[t]![s.pc[t]!];
      if (op === undefined) return [];
      if (op[0] === 'lock' && s.holder[op[1]] !== -1) return []; // spin_lock() blocks
      return [{ context, step: `${op[0]}_${op[1]}` }];
    }),
  next: (s, a) =>
    produce(s, (d) => {
      const t = THREADS.indexOf(a.context as (typeof THREADS)[number]);
      const [kind, lock] = PROGRAMS[t]![d.pc[t]!]!;
      d.holder[lock] = kind === 'lock' ? t : -1;
      d.pc[t]!++;
    }),
  properties: [
    { name: 'lock_held_by_at_most_one', kind: 'always', check: (s) => s.holder.A >= -1 && s.holder.B >= -1 },
    { name: 'thread0_held_both_locks', kind: 'sometimes', check: (s) => s.holder.A === 0 && s.holder.B === 0 },
  ],
  terminal: (s) => s.pc.every((p, t) => p === PROGRAMS[t]!.length),
};

export const entry: ModelEntry = {
  id: 'toy/lock-order',
  summary: 'two threads take two locks in opposite orders: a deadlock',
  build: () => model,
};
