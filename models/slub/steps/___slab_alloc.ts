// The allocation slow path ___slab_alloc(), in two variants:
// - v6.19 (reference §2.1.3, S1-S14): refill from the cpu slab's freelist,
//   the CPU partial chain, the node partial list (get_partial_node, then
//   freeze_slab) or a new slab, and install it as the cpu slab. It runs with
//   preemption disabled (__slab_alloc's slub_get_cpu_ptr), except around
//   new_slab() (slub_put_cpu_ptr / slub_get_cpu_ptr).
// - 17c38c88 and 7.0 (reference §2.2, §2.3.4): no cpu slab; one object from
//   the node partial list (get_from_partial_node) or from a new slab.
import { call, fn, goto, ret, type FnDef, type StepCtx } from '../kernel.ts';
import { add_partial, free_page, kernelWarning, oops, seen } from '../mm.ts';
import { addNewSlabToPartial, allocate_slab, pageAllocChoices, memNode } from '../helpers.ts';
import { lockFree, spin_trylock, unlock } from '../locks.ts';
import { slabOfStruct, T, type ListView, type Obj, type SlabId } from '../state.ts';

const preempt = (x: StepCtx, by: number) => {
  x.d.ctx[x.ctx]!.preempt += by;
};

/** load_freelist(): hand out `first`, the rest of its chain becomes c->freelist. */
function load_freelist(x: StepCtx, first: Obj): void {
  const c = x.d.cpus[x.cpu]!;
  // VM_BUG_ON(!c->slab->frozen)
  if (c.slab === null || !x.d.slabs[c.slab]!.frozen) kernelWarning(x, 'VM_BUG_ON(!c->slab->frozen) in ___slab_alloc() load_freelist');
  c.freelist = x.d.fp(first);
  c.tid += x.e.tidStep;
  ret(x, first);
}

interface SlowL {
  ret: number | null;
}

/** v6.19 __slab_alloc(): ___slab_alloc() between slub_get_cpu_ptr() and slub_put_cpu_ptr() (preemption off, !PREEMPT_RT). */
export const __slab_alloc: FnDef<SlowL> = fn<SlowL>({
  entry: 'get_cpu_ptr',
  locals: { ret: T.ret },
  steps: {
    get_cpu_ptr: {
      local: true,
      cite: 'mm/slub.c __slab_alloc(): c = slub_get_cpu_ptr(s->cpu_slab); ___slab_alloc()',
      reads: [],
      writes: [],
      run: (x) => {
        preempt(x, 1);
        call(x, '___slab_alloc', {}, 'put_cpu_ptr');
      },
    },
    put_cpu_ptr: {
      local: true,
      cite: 'mm/slub.c __slab_alloc(): slub_put_cpu_ptr(s->cpu_slab)',
      reads: [],
      writes: [],
      run: (x) => {
        preempt(x, -1);
        ret(x, x.l.ret);
      },
    },
  },
});

interface V619L {
  ret: number | null;
  slab: SlabId | null;
  held_chain: Obj | null;
  cpu_put: boolean;
}

export const ___slab_alloc_v619: FnDef<V619L> = fn<V619L>({
  entry: 'get_freelist',
  locals: { ret: T.ret, slab: T.slab, held_chain: T.chain, cpu_put: T.bool },
  steps: {
    get_freelist: {
      cite: 'mm/slub.c ___slab_alloc(): reread c->slab under local_lock; load c->freelist or get_freelist() cmpxchg (S1-S6)',
      reads: ['cpu{cpu}.kmem_cache_cpu', 'slab{cpu_slab}.pair'],
      writes: ['cpu{cpu}.kmem_cache_cpu', 'slab{cpu_slab}.pair'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        if (c.slab === null) return goto(x, 'new_slab');
        if (c.freelist !== null) return load_freelist(x, c.freelist);
        // get_freelist(): (F, cnt) -> (NULL, inuse = objects, frozen = F != NULL)
        const sl = x.d.slabs[c.slab]!;
        const F = sl.freelist;
        sl.freelist = null;
        sl.inuse = x.e.p.objects;
        sl.frozen = F !== null;
        if (F === null) {
          // deactivate_bypass: the slab is now unfrozen, full and on no list.
          seen(x, 'deactivate_bypass');
          c.slab = null;
          c.tid += x.e.tidStep;
          return goto(x, 'new_slab');
        }
        seen(x, 'alloc_refill');
        load_freelist(x, F);
      },
    },
    new_slab: {
      cite: 'mm/slub.c ___slab_alloc() new_slab: under local_lock, c->slab set by an irq meanwhile -> reread_slab; else pop c->partial, install it, get_freelist() (S10)',
      reads: ['cpu{cpu}.partial', 'slab{cpu_partial}.links', 'slab{cpu_partial}.pair'],
      writes: ['cpu{cpu}.kmem_cache_cpu', 'slab{cpu_partial}.pair'],
      run: (x) => {
        const c = x.d.cpus[x.cpu]!;
        if (c.partial === null) return call(x, 'get_partial', {}, 'got_partial');
        // if (unlikely(c->slab)): an interrupt installed a cpu slab while we were unlocked: goto reread_slab.
        if (c.slab !== null) {
          seen(x, 'new_slab_found_cpu_slab');
          return goto(x, 'get_freelist');
        }
        const k = c.partial;
        const sl = x.d.slabs[k]!;
        const next = sl.L0;
        if (next !== null && slabOfStruct(next) === undefined) {
          return oops(x, `general protection fault in ___slab_alloc: c->partial->next is ${String(next)}`);
        }
        c.partial = next === null ? null : slabOfStruct(next)!;
        if (sl.owner === `cpu${x.cpu}`) sl.owner = 'none';
        c.slab = k;
        const F = sl.freelist;
        sl.freelist = null;
        sl.inuse = x.e.p.objects;
        sl.frozen = F !== null;
        seen(x, 'cpu_partial_alloc');
        // VM_BUG_ON(!freelist): a slab on a CPU partial list always has a free object.
        if (F === null) return oops(x, 'kernel BUG: VM_BUG_ON(!freelist) in ___slab_alloc() new_slab: a CPU partial slab had no free object');
        load_freelist(x, F);
      },
    },
    got_partial: {
      local: true,
      cite: 'mm/slub.c ___slab_alloc() new_objects: get_partial() result (S12)',
      reads: [],
      writes: [],
      run: (x) => {
        if (x.l.ret === null) {
          // slub_put_cpu_ptr(): new_slab() may sleep, so preemption is on until slub_get_cpu_ptr().
          preempt(x, -1);
          x.l.cpu_put = true;
          return goto(x, 'new_slab_alloc');
        }
        x.l.slab = x.l.ret;
        x.l.ret = null;
        goto(x, 'freeze_slab');
      },
    },
    freeze_slab: {
      cite: 'mm/slub.c ___slab_alloc(): freeze_slab() cmpxchg (F, cnt) -> (NULL, inuse = objects, frozen = 1) (S12)',
      reads: ['slab{slab}.pair'],
      writes: ['slab{slab}.pair'],
      run: (x) => {
        const sl = x.d.slabs[x.l.slab!]!;
        const F = sl.freelist;
        sl.freelist = null;
        sl.inuse = x.e.p.objects;
        sl.frozen = true;
        x.l.held_chain = F;
        if (F === null) {
          // Every object was freed-then-taken meanwhile: nothing to load (not reachable with one allocator per slab).
          sl.frozen = false;
          return goto(x, 'new_slab');
        }
        goto(x, 'retry_load_slab');
      },
    },
    new_slab_alloc: {
      cite: 'mm/slub.c ___slab_alloc(): preemption enabled around new_slab() from the page allocator; the slab is private and frozen, inc_slabs_node (S13)',
      choose: pageAllocChoices,
      reads: ['page_allocator'],
      writes: ['slab{new}.pair', 'node.nr_slabs'],
      run: (x) => {
        const k = allocate_slab(x, memNode(x.d, x.cpu));
        if (k === null) {
          preempt(x, 1); // slub_get_cpu_ptr(), then slab_out_of_memory(): return NULL
          x.l.cpu_put = false;
          return ret(x, null);
        }
        const sl = x.d.slabs[k]!;
        x.l.held_chain = sl.freelist;
        sl.freelist = null;
        sl.inuse = x.e.p.objects;
        sl.frozen = true;
        x.d.nodes[sl.node]!.nr_slabs++;
        x.l.slab = k;
        goto(x, 'retry_load_slab');
      },
    },
    retry_load_slab: {
      cite: 'mm/slub.c ___slab_alloc() retry_load_slab: slub_get_cpu_ptr(); under local_lock, deactivate a cpu slab installed meanwhile, else install (S13-S14)',
      reads: ['cpu{cpu}.kmem_cache_cpu'],
      writes: ['cpu{cpu}.kmem_cache_cpu'],
      run: (x) => {
        if (x.l.cpu_put) {
          preempt(x, 1); // c = slub_get_cpu_ptr(s->cpu_slab) after new_slab()
          x.l.cpu_put = false;
        }
        const c = x.d.cpus[x.cpu]!;
        if (c.slab !== null) {
          const old = c.slab;
          const fl = c.freelist;
          c.slab = null;
          c.freelist = null;
          c.tid += x.e.tidStep;
          seen(x, 'cpuslab_flush');
          return call(x, 'deactivate_slab', { slab: old, held_chain: fl }, 'retry_load_slab');
        }
        c.slab = x.l.slab;
        const F = x.l.held_chain!;
        x.l.held_chain = null;
        load_freelist(x, F);
      },
    },
  },
});

interface NoCpuSlabL {
  ret: number | null;
  slab: SlabId | null;
  held: ListView;
  /** allow_spin is false (kmalloc_nolock()): list_lock only trylocked, no retry after a failed new slab. */
  nospin: boolean;
}

export const ___slab_alloc_nocpuslab: FnDef<NoCpuSlabL> = fn<NoCpuSlabL>({
  entry: 'get_from_partial',
  locals: { ret: T.ret, slab: T.slab, held: T.held(1), nospin: T.bool },
  steps: {
    get_from_partial: {
      local: true,
      cite: 'mm/slub.c ___slab_alloc(): get_from_partial(): the local memory node, then the zonelist (§2.3.4)',
      reads: [],
      writes: [],
      run: (x) => call(x, 'get_from_partial', x.l.nospin ? { nospin: true } : {}, 'got_partial'),
    },
    got_partial: {
      local: true,
      cite: 'mm/slub.c ___slab_alloc(): an object from a partial slab, or a new slab',
      reads: [],
      writes: [],
      run: (x) => (x.l.ret !== null ? ret(x, x.l.ret) : goto(x, 'new_slab')),
    },
    new_slab: {
      cite: 'mm/slub.c ___slab_alloc(): new_slab() + alloc_from_new_slab(count = 1): pop one object privately (RF3)',
      choose: pageAllocChoices,
      reads: ['page_allocator'],
      writes: ['slab{new}.pair'],
      run: (x) => {
        const k = allocate_slab(x, memNode(x.d, x.cpu));
        if (k === null) return ret(x, null);
        const sl = x.d.slabs[k]!;
        x.l.slab = k;
        if (x.l.nospin && x.e.p.objects > 1) return goto(x, 'trylock');
        const X = sl.freelist!;
        sl.freelist = x.d.fp(X);
        sl.inuse = 1;
        if (sl.freelist === null) {
          x.d.nodes[sl.node]!.nr_slabs++;
          return ret(x, X);
        }
        x.l.held.set([X]);
        goto(x, 'add_partial');
      },
    },
    add_partial: {
      cite: 'mm/slub.c alloc_from_new_slab(): leftover objects: add_partial(HEAD) under list_lock; inc_slabs_node (RF3)',
      reads: ['node{node}.list_lock'],
      writes: ['node{node}.list', 'slab{slab}.links', 'node{node}.nr_slabs'],
      guard: (x) => lockFree(x, x.d.slabs[x.l.slab!]!.node),
      run: (x) => {
        addNewSlabToPartial(x, x.l.slab!);
        const X = x.l.held.at(0);
        x.l.held.clear();
        ret(x, X);
      },
    },
    trylock: {
      cite: "mm/slub.c alloc_from_new_slab(): !allow_spin and objects left over: spin_trylock_irqsave(&n->list_lock) first, failing -> discard the new slab (7.0 free_new_slab_nolock(); 17c38c88 defer_deactivate_slab(slab, NULL), whose irq_work frees the page later: modelled as freed now), return 0, and ___slab_alloc() returns NULL (no retry without allow_spin); else pop one object, add_partial(HEAD), unlock, inc_slabs_node",
      reads: ['node{node}.list_lock'],
      writes: ['node{node}.list', 'slab{slab}.links', 'node{node}.nr_slabs', 'slab{new}.pair'],
      run: (x) => {
        const k = x.l.slab!;
        const sl = x.d.slabs[k]!;
        if (!spin_trylock(x, sl.node)) {
          seen(x, 'nolock_trylock_failed');
          seen(x, 'nolock_new_slab_discarded');
          free_page(x, k);
          return ret(x, null);
        }
        const X = sl.freelist!;
        sl.freelist = x.d.fp(X);
        sl.inuse = 1;
        add_partial(x, sl.node, k, false);
        unlock(x, sl.node);
        x.d.nodes[sl.node]!.nr_slabs++;
        ret(x, X);
      },
    },
  },
});
