// What a trace shows of a SLUB state, and what a context that cannot go on
// waits for (deadlock and livelock reports).
//
// What this abstracts and why: the view names kernel structures the way a
// reviewer reads them (freelists as lists, list members by slab name, the
// owner tag of the link words) and leaves out what no step changed, so a
// trace diff is one line per field the step touched.
import type { Plain } from '../../src/engine/model.ts';
import { enabled, mayRun, Runner, stepOf, type Env } from './kernel.ts';
import { mayRunOp } from './scenarios.ts';
import { chain, cpuChain, cpuOf, GHOST_KEYS, nodeList, type SlubState } from './state.ts';
import type { SlubModelInfo } from './model.ts';

/** What a trace shows of a state: freelists as lists, lists by slab name, clients' objects. */
export function slubView(info: SlubModelInfo, s: SlubState): Plain {
  const out: Record<string, Plain> = {};
  const f = info.version.features;
  s.slabs.forEach((sl, k) => {
    if (!sl.live) return void (out[`S${k}`] = 'free page');
    out[`S${k}`] = {
      freelist: chain(s, sl.freelist, info.env.p.objects + 1),
      inuse: sl.inuse,
      ...(f.cpuSlab ? { frozen: sl.frozen } : {}),
      SL_partial: sl.partial,
      L0: sl.L0,
      L1: sl.L1,
      owner: sl.owner,
    };
  });
  s.nodes.forEach((n, i) => {
    if (!n.memory) return;
    out[`node${i}`] = {
      list_lock: n.list_lock ?? '-',
      partial: nodeList(s, i).map((k) => `S${k}`),
      nr_partial: n.nr_partial,
      nr_slabs: n.nr_slabs,
      ...(info.env.p.sheaf_capacity > 0 ? { barn: { full: n.barn.fullSheaves(), empty: n.barn.empty } } : {}),
    };
  });
  s.cpus.forEach((c, i) => {
    const v: Record<string, Plain> = {};
    if (f.cpuSlab) {
      v.freelist = chain(s, c.freelist, s.L.NOBJ);
      v.slab = c.slab === null ? null : `S${c.slab}`;
      v.tid = c.tid;
    }
    if (f.cpuPartial) v.partial = cpuChain(s, c.partial).map((k) => `S${k}`);
    if (info.env.p.sheaf_capacity > 0) {
      v.main = c.main.toArray();
      v.spare = c.spare.value;
      if (c.rcu_free.exists) v.rcu_free = c.rcu_free.toArray();
    }
    if (c.rcu_cbs.length > 0) v.rcu_cbs = c.rcu_cbs.toArray().map((cb) => `${cb.fn}(${cb.objs.toArray().join(',')})${cb.ready ? ' ready' : ''}`);
    if (c.work.length > 0) v.work = c.work.toArray().map((w) => w.fn);
    if (s.cache.kasan) v.quarantine = c.quarantine.toArray();
    out[`cpu${i}`] = v;
  });
  for (const name of s.L.d.contexts) out[name] = { owns: s.ctx[name]!.owns.toArray() };
  if (mayRunOp(info.scenario, 'kmem_cache_destroy')) {
    out.cache = {
      ...(s.cache.kasan ? { quarantine_purged: s.cpus.map((_c, i) => (s.cache.purged(i) ? `cpu${i}` : null)).filter((x) => x !== null) } : {}),
      destroyed: s.cache.destroyed,
    };
  }
  for (const k of GHOST_KEYS) {
    const g = s.ghost.get(k);
    if (g !== null) out[k] = g;
  }
  return out;
}

/** For a deadlock or livelock report: what each context that cannot go on waits for. */
export function describeWaits(s: SlubState, contexts: readonly string[], env: Env): string[] {
  const out: string[] = [];
  const locks = [
    ...s.nodes.map((n, i) => [`node${i}.list_lock`, n.list_lock] as const),
    ...s.nodes.map((n, i) => [`node${i}'s barn lock`, n.barn_lock] as const),
    ...s.cpus.map((c, i) => [`cpu${i}'s pcs lock`, c.pcs_lock] as const),
    ...s.cpus.map((c, i) => [`cpu${i}'s cpu_slab lock`, c.cpu_slab_lock] as const),
  ].filter(([, h]) => h !== null);
  const x = new Runner(env);
  x.d = s;
  for (const ctx of contexts) {
    const c = s.ctx[ctx];
    if (!c) continue;
    if (!x.at(ctx)) {
      const op = c.nextOp;
      if (op) out.push(`${ctx} has not started ${op.op}: it may start only when every other client has finished and freed its objects`);
      continue;
    }
    const where = `${x.f.fn}/${x.f.pc}`;
    if (!mayRun(s, ctx, env.contexts)) {
      const sib = contexts.filter((o) => o !== ctx && cpuOf(o) === cpuOf(ctx) && (s.ctx[o]?.stack.length ?? 0) > 0);
      out.push(`${ctx} cannot run in ${where}: ${sib.length ? `${sib.join(' and ')} on the same CPU ${sib.length > 1 ? 'run' : 'runs'} with preemption or irqs off, or interrupts it` : 'its CPU does not schedule it'}`);
      continue;
    }
    const st = stepOf(env, x.f);
    if (!enabled(x, st)) {
      const held = locks.filter(([, h]) => h !== ctx).map(([name, h]) => `${name} is held by ${h}`);
      const works = s.cpus.flatMap((cpu, i) => cpu.work.toArray().map((w) => `${w.fn} queued on cpu${i}${w.running ? ' (running)' : ''}`));
      const cbs = s.cpus.flatMap((cpu, i) => cpu.rcu_cbs.toArray().map((cb) => `${cb.fn} on cpu${i}${cb.ready ? ' (ready)' : ' (waiting for a grace period)'}`));
      const what = /lock|list/.test(st.reads.join(' ')) && held.length ? held : /work/.test(st.reads.join(' ')) && works.length ? works : /rcu_cbs/.test(st.reads.join(' ')) && cbs.length ? cbs : [...held, ...works, ...cbs];
      out.push(`${ctx} waits in ${where}${what.length ? `: ${what.join('; ')}` : ''}`);
    }
  }
  return out;
}
