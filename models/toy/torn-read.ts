// toy/torn-read: thread0 writes x = 1, 2, ..., 10 in ten steps; thread1 reads
// x twice. The bug needs one specific ordering: thread1's first read before
// all of thread0's writes and its second read after them, i.e. thread0 runs
// all ten steps inside thread1's two-step window. A random walk over the two
// threads hits it with probability about 2^-11 a run; PCT with bug depth 2
// (one priority change point) with probability at least 1/(n k) = 1/24
// (n = 2 threads, k = 12 steps). The PCT test relies on that bound.
import type { Action, Model, ModelEntry } from '../../src/engine/model.ts';
import { produce } from '../../src/engine/immer.ts';

interface State {
  readonly x: number;
  readonly writes: number;
  readonly r1: number | null;
  readonly r2: number | null;
}

const WRITES = 10;

export const model: Model<State, Action> = {
  id: 'toy/torn-read',
  config: null,
  contexts: ['thread0', 'thread1'],
  initStates: () => [{ x: 0, writes: 0, r1: null, r2: null }],
  actions: (s) => [
    ...(s.writes < WRITES ? [{ context: 'thread0', step: 'writer/store' }] : []),
    ...(s.r1 === null ? [{ context: 'thread1', step: 'reader/first_read' }] : s.r2 === null ? [{ context: 'thread1', step: 'reader/second_read' }] : []),
  ],
  next: (s, a) =>
    produce(s, (d) => {
      if (a.context === 'thread0') d.x = ++d.writes;
      else if (d.r1 === null) d.r1 = d.x;
      else d.r2 = d.x;
    }),
  properties: [
    {
      name: 'reads_not_torn',
      kind: 'always',
      check: (s) => s.r1 === null || s.r2 === null || s.r2 - s.r1 < WRITES,
      explain: (s) => `thread1 read ${s.r1} and then ${s.r2}: every write happened between its two reads`,
    },
    { name: 'both_reads_done', kind: 'sometimes', check: (s) => s.r2 !== null },
  ],
  terminal: (s) => s.writes === WRITES && s.r2 !== null,
};

export const entry: ModelEntry = {
  id: 'toy/torn-read',
  summary: 'a writer runs ten steps inside a reader\'s two-step window: an ordering bug for PCT (violation)',
  build: () => model,
};
