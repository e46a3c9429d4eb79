import { describe, expect, it } from 'vitest';
import { VERSIONS } from '../../../models/slub/versions.ts';
import { PATCHES, applyPatches } from '../../../models/slub/patches.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';

describe('every SLUB step', () => {
  const all = VERSIONS.flatMap((v) => [
    { v, name: v.id },
    ...PATCHES.filter((p) => p.appliesTo.includes(v.id)).map((p) => ({ v: applyPatches(v, [p.name]), name: `${v.id} + ${p.name}` })),
  ]);
  for (const { v, name } of all) {
    it(`of ${name} cites the kernel source and version it models, and declares its footprint`, () => {
      for (const [fn, def] of Object.entries(v.fns)) {
        expect(def.steps[def.entry], `${fn} entry`).toBeDefined();
        for (const [pc, st] of Object.entries(def.steps)) {
          expect(st.cite, `${fn}/${pc}`).toMatch(/^(mm|include|kernel)\/[\w/.-]+ /);
          // The version's own tag, derived from the version data, right after the source file.
          if (v.fns[fn] === VERSIONS.find((u) => u.id === v.id)!.fns[fn]) expect(st.cite.split(' ')[1], `${fn}/${pc}`).toMatch(new RegExp(`^\\(${v.tag.replace('.', '\\.')}[;)]`));
          if (!st.local) expect(st.reads.length + st.writes.length, `${fn}/${pc} footprint`).toBeGreaterThan(0);
        }
      }
    });
  }

  it('reports footprints with the slab and CPU filled in', () => {
    const m = buildSlubModel({ version: '17c38c88', scenario: 'put-cpu-partial-recipe', patches: [], kasan: false });
    const s0 = m.initStates()[0]!;
    const a = m.actions(s0).find((x) => x.context === 'cpu1/task')!;
    expect(m.footprint!(s0, a)).toEqual({ reads: ['slab0.pair'], writes: ['object.freepointer'] });
  });
});
