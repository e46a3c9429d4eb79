// The traces the page tests draw: the two demonstration counterexamples,
// found afresh by `slubcheck check` (so the tests follow the model as it
// changes, instead of a recorded token that a model change would break),
// and a livelock of a two-context toy model, built here.
import { cli } from '../helpers.ts';
import { registry } from '../../models/index.ts';
import type { Action, Model, Plain } from '../../src/engine/model.ts';
import { decodeToken, replay, type Path, type Trace } from '../../src/engine/trace.ts';

export interface Replayed {
  readonly name: string;
  readonly argv: readonly string[];
  readonly model: Model<any, any>;
  readonly trace: Trace;
  readonly path: Path<any, any>;
  readonly views: readonly Plain[];
}

export const DEMOS = {
  race: { name: 'put-cpu-partial-race', argv: ['17c38c88', '--scenario', 'generic'] },
  destroy: { name: 'destroy-after-kfree-rcu', argv: ['v6.19', '--scenario', 'destroy-after-kfree-rcu', '--kasan'] },
} as const;

export function replayed(model: Model<any, any>, trace: Trace, name: string, argv: readonly string[] = []): Replayed {
  const path = replay(model, trace);
  const views = path.states.map((s) => (model.view ? model.view(s) : (s as Plain)));
  return { name, argv, model, trace, path, views };
}

/** Runs `slubcheck check <argv> --json` and replays the counterexample it reports. */
export function demo(which: keyof typeof DEMOS): Replayed {
  const { name, argv } = DEMOS[which];
  const r = cli('check', ...argv, '--json', '--quiet');
  if (r.code !== 1) throw new Error(`slubcheck check ${argv.join(' ')} found no counterexample (exit ${r.code}): ${r.err}`);
  const trace = decodeToken((JSON.parse(r.out) as { token: string }).token);
  return replayed(registry.resolve(trace.model)!.build(trace.config), trace, name, argv);
}

/** A waiter spins on a flag its setter never sets: a livelock whose cycle is the one `spin` step. */
export const spinModel: Model<{ flag: boolean; w: 'spin' | 'done'; s: 'set' | 'done' }, Action> = {
  id: 'toy/html-spin',
  config: null,
  contexts: ['setter', 'waiter'],
  initStates: () => [{ flag: false, w: 'spin', s: 'set' }],
  actions: (st) => [...(st.s === 'set' ? [{ context: 'setter', step: 'forget_flag' }] : []), ...(st.w === 'spin' ? [{ context: 'waiter', step: 'spin' }] : [])],
  next: (st, a) => (a.step === 'forget_flag' ? { ...st, s: 'done' } : st),
  properties: [],
  terminal: (st) => st.w === 'done' && st.s === 'done',
};

export function livelock(): Replayed {
  const trace: Trace = {
    model: spinModel.id,
    config: null,
    init: 0,
    steps: [
      { index: 0, context: 'setter', step: 'forget_flag' },
      { index: 0, context: 'waiter', step: 'spin' },
    ],
    property: 'livelock',
    cycleStart: 1,
  };
  return replayed(spinModel, trace, 'livelock');
}
