import type { Scenario } from '../scenario-api.ts';
import IRQ_SAME_CPU from './irq-same-cpu.ts';

export default {
  ...IRQ_SAME_CPU,
  name: 'irq-same-cpu-sheaves',
  summary: 'irq-same-cpu on a v6.19 cache that opts in to sheaves: the sheaf paths, their fallback to the cpu slab and the bulk refill, with an irq on the same CPU',
  versions: ['v6.19'],
  sheavesOptIn: true,
} satisfies Scenario;
