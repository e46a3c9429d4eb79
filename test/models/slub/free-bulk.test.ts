// kmem_cache_free_bulk(): detached freelists without sheaves, free_to_pcs_bulk() with them.
import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engine/search.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';

const run = (version: string, scenario: string, kasan = false, patches: string[] = []) => {
  const m = buildSlubModel({ version, scenario, patches, kasan });
  return { r: search(m, { strategy: 'bfs' }), coverage: m.coverage!() };
};

describe('kmem_cache_free_bulk()', () => {
  for (const version of ['v6.19', '17c38c88', '7.0']) {
    it(`frees a detached freelist per slab in a cache without sheaves on ${version}, and with --kasan frees nothing the quarantine keeps: complete and clean`, () => {
      const plain = run(version, 'free-bulk-irq');
      expect([plain.r.result, plain.r.complete]).toEqual(['ok', true]);
      expect(plain.r.witnesses.find((w) => w.name === 'bulk_free_reached_the_slabs')?.reached).toBe(true);
      expect(plain.coverage.get('kmem_cache_free_bulk/slab_free_bulk')).toBeGreaterThan(0);
      const kasan = run(version, 'free-bulk-irq', true);
      expect([kasan.r.result, kasan.r.complete]).toEqual(['ok', true]);
      expect(kasan.r.witnesses.find((w) => w.name === 'bulk_free_reached_the_slabs')?.reached).toBe(false);
    });

    it(`goes through free_to_pcs_bulk() in a sheaf cache on ${version}: batches into main, the rest and the remote object to the slabs; complete and clean`, () => {
      const { r, coverage } = run(version, 'free-bulk-sheaves');
      expect([r.result, r.complete]).toEqual(['ok', true]);
      for (const step of ['free_to_pcs_bulk/do_free', 'free_to_pcs_bulk/fallback', 'free_to_pcs_bulk/flush_remote', 'sheaf_flush_unused/free_bulk']) expect(coverage.get(step) ?? 0, step).toBeGreaterThan(0);
      expect(coverage.get('kmem_cache_free_bulk/build_detached_freelist') ?? 0).toBe(0);
    });

    it(`that ignores the KASAN free hook leaves an object both in the quarantine and freed to its slab on ${version}`, () => {
      const { r } = run(version, 'free-bulk-irq', true, ['broken-free-bulk-ignores-kasan-hook']);
      expect([r.result, r.property]).toEqual(['violation', 'object_conservation']);
      expect(r.trace!.steps.at(-1)!.step).toMatch(/^kmem_cache_free_bulk\//);
    });
  }
});
