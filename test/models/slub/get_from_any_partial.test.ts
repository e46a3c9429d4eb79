// get_from_any_partial() (v6.19 get_any_partial()): remote partial stealing
// behind the defrag-ratio gate, which the checker chooses.
import { describe, expect, it } from 'vitest';
import { search } from '../../../src/engine/search.ts';
import { buildSlubModel } from '../../../models/slub/model.ts';

const model = (version: string, patches: string[] = []) => buildSlubModel({ version, scenario: 'numa-remote-partial', patches, kasan: false });

describe('get_from_any_partial()', () => {
  it.each(['v6.19', '7.0'])('takes a partial slab of node1 for cpu0 on %s, complete and clean', (version) => {
    const r = search(model(version), { strategy: 'bfs' });
    expect([r.result, r.complete]).toEqual(['ok', true]);
    expect(r.witnesses.find((w) => w.name === 'partial_slab_taken_from_another_node')?.reached).toBe(true);
  });

  it('offers the defrag-ratio gate as a choice of the checker: open searches the zonelist, closed returns NULL', () => {
    const m = model('7.0');
    let s = m.initStates()[0]!;
    // cpu0 allocates: node0 has no partial slab, so it reaches get_from_any_partial().
    for (let i = 0; i < 20; i++) {
      const acts = m.actions(s).filter((a) => a.context === 'cpu0/task' && (a.op === undefined || a.op === 'kmem_cache_alloc'));
      if (acts.some((a) => a.step === 'get_from_any_partial/defrag_ratio')) break;
      s = m.next(s, acts[0]!);
    }
    const gate = m.actions(s).filter((a) => a.step === 'get_from_any_partial/defrag_ratio');
    expect(gate.map((a) => a.choice)).toEqual(['gate_open', 'gate_closed']);
    // Open: the zonelist's next node after cpu0's own (searched already) is node1, which is searched.
    const open = m.next(s, gate[0]!);
    expect(m.actions(open).find((a) => a.context === 'cpu0/task')?.step).toMatch(/^get_from_partial_node\//);
    const closed = m.next(s, gate[1]!);
    expect(m.actions(closed).find((a) => a.context === 'cpu0/task')?.step).toBe('___slab_alloc/new_slab');
  });

  it('lets the put_cpu_partial race on 17c38c88 happen through a free of a remote-node object, and Hao Li\'s patch fixes it', () => {
    const r = search(model('17c38c88'), { strategy: 'bfs' });
    expect([r.result, r.property]).toEqual(['violation', 'link_words_written_by_owner']);
    expect(r.explanation).toMatch(/link words belong to node1/);
    expect(search(model('17c38c88', ['hao-li-list-lock-barrier']), { strategy: 'bfs' }).result).toBe('ok');
  });
});
