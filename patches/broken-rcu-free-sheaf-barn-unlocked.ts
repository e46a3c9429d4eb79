// DELIBERATELY WRONG: rcu_free_sheaf() puts its sheaf into the barn without
// the barn lock ("the RCU callback runs in softirq with nothing else on
// this CPU"). Callbacks of two CPUs of the same node share the barn: both
// read nr_full, both store their sheaf at that index, and one sheaf (with
// its objects) is lost.
//
//  static void barn_put_full_sheaf(struct node_barn *barn, struct slab_sheaf *sheaf)
//  {
// -	spin_lock_irqsave(&barn->lock, flags);
//  	list_add_tail(&sheaf->barn_list, &barn->sheaves_full);
//  	barn->nr_full++;
// -	spin_unlock_irqrestore(&barn->lock, flags);
import type { PatchApi } from '../models/slub/patch-api.ts';

export default ({ definePatch }: PatchApi) =>
  definePatch({
    name: 'broken-rcu-free-sheaf-barn-unlocked',
    summary: "DELIBERATELY WRONG: rcu_free_sheaf()'s barn_put_full_sheaf() without the barn lock",
    appliesTo: ['v6.19', '17c38c88', '7.0'],
    deliberatelyBroken: true,
    dropLocks: { rcu_free_sheaf: ['barn_lock'] },
  });
