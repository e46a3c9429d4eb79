import type { Scenario } from '../scenario-api.ts';
import { ALLOC_FREE, GENERIC } from './shared.ts';

export default {
  name: 'generic',
  summary:
    'two CPUs, each choosing up to 2 allocations or frees; cpu1 sits on a memoryless node (as in the thread) and owns an object of a partial slab with one free object',
  ...GENERIC,
  contexts: [
    { name: 'cpu0/task', budget: 2, choices: ALLOC_FREE },
    { name: 'cpu1/task', budget: 2, choices: ALLOC_FREE },
  ],
} satisfies Scenario;
