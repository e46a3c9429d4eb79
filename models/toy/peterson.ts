// toy/peterson and toy/peterson-broken: Peterson's mutual exclusion for two
// threads under sequential consistency, each entering its critical section
// once. The broken variant announces `turn` before raising its flag, which
// lets both threads in. Each write and each test of the wait condition is
// its own step.
import type { Action, Model, ModelEntry } from '../../src/engine/model.ts';
import { produce } from '../../src/engine/immer.ts';

type Pc = 'flag' | 'turn' | 'wait' | 'critical' | 'unlock' | 'done';

interface State {
  readonly flag: readonly boolean[];
  readonly turn: number;
  readonly pc: readonly Pc[];
}

const THREADS = ['thread0', 'thread1'] as const;

function build(broken: boolean): Model<State, Action> {
  const first: Pc = broken ? 'turn' : 'flag';
  const after: Record<Pc, Pc> = broken
    ? { turn: 'flag', flag: 'wait', wait: 'critical', critical: 'unlock', unlock: 'done', done: 'done' }
    : { flag: 'turn', turn: 'wait', wait: 'critical', critical: 'unlock', unlock: 'done', done: 'done' };
  const id = broken ? 'toy/peterson-broken' : 'toy/peterson';
  return {
    id,
    config: null,
    contexts: THREADS,
    initStates: () => [{ flag: [false, false], turn: 0, pc: [first, first] }],
    actions: (s) =>
      THREADS.flatMap((context, t) => {
        const pc = s.pc[t]!;
        if (pc === 'done') return [];
        // The wait is a spin: it can only be passed when the other thread's flag is down or it is our turn.
        if (pc === 'wait' && s.flag[1 - t] && s.turn !== t) return [];
        return [{ context, step: `peterson/${pc}` }];
      }),
    next: (s, a) =>
      produce(s, (d) => {
        const t = THREADS.indexOf(a.context as (typeof THREADS)[number]);
        const pc = d.pc[t]!;
        if (pc === 'flag') d.flag[t] = true;
        if (pc === 'turn') d.turn = 1 - t;
        if (pc === 'unlock') d.flag[t] = false;
        d.pc[t] = after[pc];
      }),
    properties: [
      {
        name: 'mutual_exclusion',
        kind: 'always',
        check: (s) => !(s.pc[0] === 'critical' && s.pc[1] === 'critical'),
        explain: () => 'both threads are in the critical section',
      },
      { name: 'thread0_entered_critical_section', kind: 'sometimes', check: (s) => s.pc[0] === 'critical' },
      { name: 'thread1_waited_for_thread0', kind: 'sometimes', check: (s) => s.pc[1] === 'wait' && s.pc[0] === 'critical' },
    ],
    terminal: (s) => s.pc.every((p) => p === 'done'),
  };
}

export const peterson: ModelEntry = {
  id: 'toy/peterson',
  summary: "Peterson's mutual exclusion for two threads: correct (no violation, complete)",
  build: () => build(false),
};

export const petersonBroken: ModelEntry = {
  id: 'toy/peterson-broken',
  summary: 'Peterson with turn written before flag: both threads enter (violation)',
  build: () => build(true),
};
