// get_from_any_partial() (17c38c88, 7.0; reference §2.3.4 and §0.5) and
// v6.19's get_any_partial() (G3): after the local node had no partial slab,
// try the nodes of the zonelist, nearest first, each only if
// n->nr_partial > s->min_partial, behind the remote_node_defrag_ratio gate
// on get_cycles() % 1024.
//
// What this abstracts and why: the gate depends on a cycle counter the model
// does not have, so whether it lets the search through is the checker's
// choice (both are explored); the gate reads nothing shared, so it is one
// step with the first racy nr_partial test. The zonelist is the memory nodes
// in order of distance, which the model takes to be by number (the nearest
// memory node first for a memoryless CPU), each once (the kernel walks zones,
// so a node with two zones is tried twice; not modelled); cpusets allow every
// node. The kernel's zonelist starts with the local node again; searching it
// a second time is left out (helpers.ts remoteZonelist(): a sound reduction),
// so with no other node with memory the function is not called at all. Each
// later racy nr_partial test is its own step.
import { call, fn, goto, ret, tailcall, type FnDef, type StepCtx } from '../kernel.ts';
import { seen } from '../mm.ts';
import { localNode, remoteZonelist } from '../helpers.ts';
import { T } from '../state.ts';

interface L {
  /** Index into the zonelist of the node to try next. */
  z: number;
  ret: number | null;
  /** allow_spin is false (kmalloc_nolock(), 17c38c88 and 7.0): get_from_partial_node() only trylocks. */
  nospin: boolean;
}

/** The racy n->nr_partial > s->min_partial test of the zonelist's next node (one shared read per step): search it, or go on. */
function tryNext(x: StepCtx<L>, callee: string): void {
  const zl = remoteZonelist(x);
  const n = zl[x.l.z]!;
  if (x.d.nodes[n]!.nr_partial <= x.e.p.min_partial) return skip(x, zl.length);
  if (n !== x.d.cpus[x.cpu]!.node) seen(x, 'remote_partial');
  call(x, callee, x.l.nospin ? { n, nospin: true } : { n }, 'got');
}

/** The next node of the zonelist, or NULL at its end. */
function skip(x: StepCtx<L>, len: number): void {
  x.l.z++;
  if (x.l.z >= len) return ret(x, null);
  goto(x, 'next_node');
}

/** One function for both: v6.19 calls get_partial_node() (it returns a slab), the later versions get_from_partial_node() (an object). */
const anyPartial = (callee: 'get_partial_node' | 'get_from_partial_node', name: string): FnDef<L> =>
  fn<L>({
    entry: 'defrag_ratio',
    locals: { z: T.int(0, 16), ret: T.ret, nospin: T.bool },
    steps: {
      defrag_ratio: {
        cite: `mm/slub.c ${name}(): if (!s->remote_node_defrag_ratio || get_cycles() % 1024 > s->remote_node_defrag_ratio) return NULL; for_each_zone_zonelist(): the first n->nr_partial > s->min_partial (racy), then ${callee}(n)`,
        reads: ['node*.nr_partial'],
        writes: [],
        choose: () => ['gate_open', 'gate_closed'],
        run: (x) => {
          if (x.choice === 'gate_closed') return ret(x, null);
          x.l.z = 0;
          tryNext(x, callee);
        },
      },
      next_node: {
        cite: `mm/slub.c ${name}(): for_each_zone_zonelist(): the next n->nr_partial > s->min_partial (racy), then ${callee}(n)`,
        reads: ['node*.nr_partial'],
        writes: [],
        run: (x) => tryNext(x, callee),
      },
      got: {
        local: true,
        cite: `mm/slub.c ${name}(): ${callee}() returned: done, or the next node of the zonelist`,
        reads: [],
        writes: [],
        run: (x) => {
          if (x.l.ret !== null) return ret(x, x.l.ret);
          skip(x, remoteZonelist(x).length);
        },
      },
    },
  });

export const get_from_any_partial = anyPartial('get_from_partial_node', 'get_from_any_partial');
export const get_any_partial = anyPartial('get_partial_node', 'get_any_partial');

interface PartialL {
  ret: number | null;
  nospin: boolean;
}

/** get_partial() (v6.19) and get_from_partial() (17c38c88, 7.0): the local memory node, then the zonelist. */
const partial = (local: 'get_partial_node' | 'get_from_partial_node', any: string, name: string): FnDef<PartialL> =>
  fn<PartialL>({
    entry: 'local_node',
    locals: { ret: T.ret, nospin: T.bool },
    steps: {
      local_node: {
        local: true,
        cite: `mm/slub.c ${name}(): ${local}(s, get_node(s, numa_mem_id())), which finds nothing on a memoryless node (no kmem_cache_node)`,
        reads: [],
        writes: [],
        run: (x) => {
          const n = localNode(x.d, x.cpu);
          const spin = x.l.nospin ? { nospin: true } : {};
          if (n === null) return remoteZonelist(x).length > 0 ? tailcall(x, any, spin) : ret(x, null);
          call(x, local, { n, ...spin }, 'any_node');
        },
      },
      any_node: {
        local: true,
        cite: `mm/slub.c ${name}(): nothing on the local node: ${any}()`,
        reads: [],
        writes: [],
        run: (x) => (x.l.ret !== null || remoteZonelist(x).length === 0 ? ret(x, x.l.ret) : tailcall(x, any, x.l.nospin ? { nospin: true } : {})),
      },
    },
  });

export const get_partial = partial('get_partial_node', 'get_any_partial', 'get_partial');
export const get_from_partial = partial('get_from_partial_node', 'get_from_any_partial', 'get_from_partial');
