// Scenario files: a workload a user writes as a TypeScript module beside
// their patch, `export default { ... } satisfies Scenario` (types from
// 'slubcheck/scenario'), run with `--scenario-file ./my-workload.ts`.
//
// A scenario is data, so the file's default export is checked field by field
// here (one line naming the field for anything wrong) and then carried whole,
// inline, in the configuration: a replay token of a run on a scenario file
// replays without the file.
import { UsageError } from '../../src/engine/errors.ts';
import { defaultExport, importUserFile } from './load-module.ts';
import { findVersion } from './versions.ts';
import type { ChosenStart, ContextInit, Expectation, ScenarioDef, SlabInit } from './scenarios.ts';
import type { Op } from './state.ts';

/** The operations a context's menu (`choices`) may offer. */
export const MENU_OPS = ['kmem_cache_alloc', 'kmem_cache_alloc_bulk', 'kmem_cache_free', 'kmem_cache_free_bulk', 'kmem_cache_prefill_sheaf', 'kmem_cache_alloc_from_sheaf', 'kmem_cache_return_sheaf', 'kfree_rcu', 'kmalloc_nolock', 'kfree_nolock', 'flush_cpu_slab', 'kmem_cache_destroy'] as const;
const SCRIPT_OPS = [...MENU_OPS, 'free_any', 'choose'] as const;
const CACHE_KEYS = ['objects', 'cpu_partial_slabs', 'min_partial', 'sheaf_capacity', 'barn_max'] as const;
const CONTEXT_NAME = /^cpu\d+\/(task|irq|softirq|worker|unbound)$/;

type Rec = Record<string, unknown>;

class Checker {
  constructor(private readonly where: string) {}
  fail(path: string, msg: string): never {
    throw new UsageError(`${this.where}: ${path} ${msg}`);
  }
  record(x: unknown, path: string, keys: readonly string[]): Rec {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) this.fail(path, 'must be an object');
    for (const k of Object.keys(x)) if (!keys.includes(k)) this.fail(`${path === 'the scenario' ? '' : `${path}.`}${k}`, `is not a known field (known: ${keys.join(', ')})`);
    return x as Rec;
  }
  array(x: unknown, path: string): unknown[] {
    if (!Array.isArray(x)) this.fail(path, 'must be an array');
    return x;
  }
  int(x: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) this.fail(path, `must be a whole number${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` of at least ${min}`}, not ${JSON.stringify(x)}`);
    return x;
  }
  string(x: unknown, path: string): string {
    if (typeof x !== 'string' || x.length === 0) this.fail(path, 'must be a non-empty string');
    return x;
  }
  bool(x: unknown, path: string): boolean | undefined {
    if (x !== undefined && typeof x !== 'boolean') this.fail(path, 'must be true or false');
    return x as boolean | undefined;
  }
  oneOf<T extends string>(x: unknown, path: string, allowed: readonly T[]): T {
    if (typeof x !== 'string' || !allowed.includes(x as T)) this.fail(path, `must be one of ${allowed.join(', ')}, not ${JSON.stringify(x)}`);
    return x as T;
  }
}

const SCENARIO_KEYS = ['name', 'summary', 'versions', 'cache', 'nodes', 'cpus', 'pool', 'pageAllocCanFail', 'pageAllocFailures', 'sheafAllocFailures', 'slabs', 'chosen', 'contexts', 'sharedObjects', 'sheavesOptIn', 'exhaustive', 'large', 'brokenNoTid', 'expect'];

/**
 * Checks a scenario given as data (a scenario file's default export, or an
 * inline scenario in a configuration) and returns it with defaults filled:
 * every problem is one UsageError line naming the field. The layout itself
 * (objects in one place, slabs on lists the version has) is checked when the
 * model is built.
 */
export function validateScenario(x: unknown, where: string): ScenarioDef {
  const k = new Checker(where);
  const r = k.record(x, 'the scenario', SCENARIO_KEYS);
  const name = k.string(r.name, 'name');
  const cacheRec = k.record(r.cache, 'cache', CACHE_KEYS);
  const cache = Object.fromEntries(CACHE_KEYS.map((key) => [key, k.int(cacheRec[key], `cache.${key}`, key === 'objects' ? 1 : 0, key === 'objects' ? 16 : 64)])) as unknown as ScenarioDef['cache'];
  const nodes = k.array(r.nodes, 'nodes').map((n, i) => ({ memory: k.bool(k.record(n, `nodes[${i}]`, ['memory']).memory, `nodes[${i}].memory`) ?? true }));
  if (nodes.length < 1 || nodes.length > 8) k.fail('nodes', 'must list 1 to 8 nodes');
  if (!nodes.some((n) => n.memory)) k.fail('nodes', 'must include a node with memory (slabs come from memory nodes)');
  const cpus = k.array(r.cpus, 'cpus').map((c, i) => ({ node: k.int(k.record(c, `cpus[${i}]`, ['node']).node, `cpus[${i}].node`, 0, nodes.length - 1) }));
  if (cpus.length < 1 || cpus.length > 8) k.fail('cpus', 'must list 1 to 8 CPUs');
  const pool = k.int(r.pool, 'pool', 0, 32);
  const slabs = r.slabs === undefined ? [] : k.array(r.slabs, 'slabs').map((s, i) => slabInit(k, s, `slabs[${i}]`));
  const contexts = k.array(r.contexts, 'contexts').map((c, i) => contextInit(k, c, `contexts[${i}]`, cpus.length));
  if (contexts.length === 0) k.fail('contexts', 'must list at least one context');
  const dup = contexts.find((c, i) => contexts.findIndex((d) => d.name === c.name) !== i);
  if (dup) k.fail('contexts', `name ${dup.name} twice`);
  let chosen: ChosenStart | undefined;
  if (r.chosen !== undefined) {
    const c = k.record(r.chosen, 'chosen', ['slabs', 'places', 'owner']);
    if (Array.isArray(c.places) && c.places.length === 0) k.fail('chosen.places', 'must list at least one place (node_partial, none, cpu_partial)');
    if (slabs.length > 0) k.fail('chosen', 'and explicit slabs cannot both be given (the checker chooses the slabs)');
    chosen = {
      slabs: k.int(c.slabs, 'chosen.slabs', 1, Math.min(3, pool)),
      ...(c.places !== undefined ? { places: k.array(c.places, 'chosen.places').map((p, i) => k.oneOf(p, `chosen.places[${i}]`, ['node_partial', 'none', 'cpu_partial'] as const)) } : {}),
      ...(c.owner !== undefined ? { owner: k.oneOf(c.owner, 'chosen.owner', contexts.map((x) => x.name)) } : {}),
    };
  }
  const versions = r.versions === undefined ? undefined : k.array(r.versions, 'versions').map((v, i) => versionId(k, v, `versions[${i}]`));
  let expect: Record<string, Expectation> | undefined;
  if (r.expect !== undefined) {
    const e = k.record(r.expect, 'expect', Object.keys(r.expect as object));
    expect = {};
    for (const [key, val] of Object.entries(e)) {
      const [v, flag, ...rest] = key.split(/\s+/);
      if (rest.length > 0 || (flag !== undefined && flag !== '--kasan')) k.fail(`expect['${key}']`, "must be keyed by a version, or a version and --kasan ('v6.19 --kasan')");
      const id = versionId(k, v, `expect['${key}']`) + (flag ? ' --kasan' : '');
      if (val === 'ok' || val === 'deadlock' || val === 'livelock') expect[id] = val;
      else if (typeof val !== 'object' || val === null) k.fail(`expect['${key}']`, `must be 'ok', 'deadlock', 'livelock' or { violation: 'property' }, not ${JSON.stringify(val)}`);
      else expect[id] = { violation: k.string(k.record(val, `expect['${key}']`, ['violation']).violation, `expect['${key}'].violation`) };
    }
  }
  return {
    name,
    summary: r.summary === undefined ? `scenario ${name}` : k.string(r.summary, 'summary'),
    ...(versions ? { versions } : {}),
    cache,
    nodes,
    cpus,
    pool,
    slabs,
    ...(chosen ? { chosen } : {}),
    contexts,
    ...(r.pageAllocFailures !== undefined ? { pageAllocFailures: k.int(r.pageAllocFailures, 'pageAllocFailures', 0, 4) } : {}),
    ...(r.sheafAllocFailures !== undefined ? { sheafAllocFailures: k.int(r.sheafAllocFailures, 'sheafAllocFailures', 0, 4) } : {}),
    ...flags(k, r, ['pageAllocCanFail', 'sharedObjects', 'sheavesOptIn', 'exhaustive', 'large', 'brokenNoTid']),
    ...(expect ? { expect } : {}),
  };
}

function flags(k: Checker, r: Rec, keys: readonly string[]): Rec {
  const out: Rec = {};
  for (const key of keys) if (k.bool(r[key], key) !== undefined) out[key] = r[key];
  return out;
}

function versionId(k: Checker, v: unknown, path: string): string {
  const id = findVersion(k.string(v, path))?.id;
  if (!id) k.fail(path, `names unknown version ${JSON.stringify(v)}`);
  return id;
}

function slabInit(k: Checker, x: unknown, path: string): SlabInit {
  const r = k.record(x, path, ['node', 'place', 'free', 'owners', 'inSheaf']);
  const pl = k.record(r.place, `${path}.place`, ['on', 'cpu', 'cpuFree']);
  const on = k.oneOf(pl.on, `${path}.place.on`, ['node_partial', 'none', 'cpu_slab', 'cpu_partial'] as const);
  const idx = (a: unknown, p: string) => k.array(a, p).map((i, j) => k.int(i, `${p}[${j}]`));
  const place: SlabInit['place'] =
    on === 'cpu_slab'
      ? { on, cpu: k.int(pl.cpu, `${path}.place.cpu`), cpuFree: pl.cpuFree === undefined ? [] : idx(pl.cpuFree, `${path}.place.cpuFree`) }
      : on === 'cpu_partial'
        ? { on, cpu: k.int(pl.cpu, `${path}.place.cpu`) }
        : { on };
  const owners = r.owners === undefined ? undefined : Object.fromEntries(Object.entries(k.record(r.owners, `${path}.owners`, Object.keys(r.owners as object))).map(([c, v]) => [c, idx(v, `${path}.owners['${c}']`)]));
  const inSheaf =
    r.inSheaf === undefined
      ? undefined
      : k.array(r.inSheaf, `${path}.inSheaf`).map((sh, i) => {
          const p = `${path}.inSheaf[${i}]`;
          const s = k.record(sh, p, ['cpu', 'node', 'sheaf', 'objs']);
          const which = k.oneOf(s.sheaf, `${p}.sheaf`, ['main', 'spare', 'barn'] as const);
          return which === 'barn' ? { node: k.int(s.node, `${p}.node`), sheaf: which, objs: idx(s.objs, `${p}.objs`) } : { cpu: k.int(s.cpu, `${p}.cpu`), sheaf: which, objs: idx(s.objs, `${p}.objs`) };
        });
  return { node: k.int(r.node, `${path}.node`), place, free: r.free === undefined ? [] : idx(r.free, `${path}.free`), ...(owners ? { owners } : {}), ...(inSheaf ? { inSheaf } : {}) };
}

function contextInit(k: Checker, x: unknown, path: string, cpus: number): ContextInit {
  const r = k.record(x, path, ['name', 'ops', 'budget', 'choices']);
  const name = k.string(r.name, `${path}.name`);
  if (!CONTEXT_NAME.test(name)) k.fail(`${path}.name`, `must be cpuN/task, cpuN/irq, cpuN/softirq, cpuN/worker or cpuN/unbound, not ${JSON.stringify(name)}`);
  if (Number(name.slice(3, name.indexOf('/'))) >= cpus) k.fail(`${path}.name`, `names ${name.slice(0, name.indexOf('/'))}, but the scenario has ${cpus} CPU${cpus > 1 ? 's' : ''}`);
  const ops =
    r.ops === undefined
      ? undefined
      : k.array(r.ops, `${path}.ops`).map((o, i): Op => {
          const p = `${path}.ops[${i}]`;
          const rec = k.record(o, p, ['op', 'obj', 'obj2', 'gfp']);
          const op = k.oneOf(rec.op, `${p}.op`, SCRIPT_OPS);
          if (op !== 'kmem_cache_free_bulk' && rec.obj2 !== undefined) k.fail(`${p}.obj2`, `is not an argument of ${op}`);
          if (op === 'kmem_cache_free_bulk') {
            const obj = k.int(rec.obj, `${p}.obj`);
            const obj2 = k.int(rec.obj2, `${p}.obj2`);
            if (obj === obj2) k.fail(`${p}.obj2`, 'frees the same object twice in one bulk free');
            return { op, obj, obj2 };
          }
          const frees = op === 'kmem_cache_free' || op === 'kfree_rcu' || op === 'kfree_nolock' || op === 'free_any';
          if (!frees && rec.obj !== undefined) k.fail(`${p}.obj`, `is not an argument of ${op}`);
          if (op !== 'kmem_cache_alloc' && rec.gfp !== undefined) k.fail(`${p}.gfp`, `is not an argument of ${op}`);
          if (frees) return { op, obj: k.int(rec.obj, `${p}.obj`) };
          if (op === 'kmem_cache_alloc') {
            // An interrupt allocates with GFP_ATOMIC: GFP_KERNEL may sleep (might_sleep() in irq is a caller bug).
            const irq = /\/(irq|softirq)$/.test(name);
            const gfp = rec.gfp === undefined ? (irq ? 'GFP_ATOMIC' : 'GFP_KERNEL') : k.oneOf(rec.gfp, `${p}.gfp`, ['GFP_KERNEL', 'GFP_ATOMIC'] as const);
            if (irq && gfp === 'GFP_KERNEL') k.fail(`${p}.gfp`, `is GFP_KERNEL in ${name}, an interrupt context: it may sleep there; use GFP_ATOMIC`);
            return { op, gfp };
          }
          return { op } as Op;
        });
  const choices = r.choices === undefined ? undefined : k.array(r.choices, `${path}.choices`).map((c, i) => k.oneOf(c, `${path}.choices[${i}]`, MENU_OPS));
  const budget = r.budget === undefined ? undefined : k.int(r.budget, `${path}.budget`, 0, 16);
  if (budget && !choices?.length) k.fail(`${path}.budget`, 'needs choices (the menu the context chooses its operations from)');
  if (ops?.some((o) => o.op === 'choose') && !choices?.length) k.fail(`${path}.ops`, "has a 'choose' operation but no choices (the menu it chooses from)");
  return { name, ...(ops ? { ops } : {}), ...(budget !== undefined ? { budget } : {}), ...(choices ? { choices } : {}) };
}

/** Scenario files loaded this run, by the path that named them. */
const loaded = new Map<string, ScenarioDef>();


/** Loads and checks a scenario file; every failure is one UsageError line. */
export async function loadScenarioFile(file: string): Promise<ScenarioDef> {
  const hit = loaded.get(file);
  if (hit) return hit;
  const { mod } = await importUserFile('scenario', file);
  const exp = defaultExport(mod, (x) => 'name' in x || 'contexts' in x);
  if (exp === undefined) throw new UsageError(`scenario file ${file} has no default export (export default { name, cache, nodes, cpus, pool, contexts } satisfies Scenario)`);
  if (typeof exp === 'function') throw new UsageError(`scenario file ${file}: the default export is a function; a scenario is data (export default { name, cache, ... })`);
  const sc = validateScenario(exp, `scenario file ${file}`);
  loaded.set(file, sc);
  return sc;
}

/** A scenario file loaded this run, by the path given on the command line. */
export function loadedScenario(file: string): ScenarioDef | undefined {
  return loaded.get(file);
}
