import type { Scenario } from '../scenario-api.ts';
import { ALLOC_FREE, GENERIC } from './shared.ts';

export default {
  name: 'generic-3',
  summary: 'generic with up to three allocations or frees per CPU: a larger all-clear, still explored completely in seconds',
  ...GENERIC,
  contexts: [
    { name: 'cpu0/task', budget: 3, choices: ALLOC_FREE },
    { name: 'cpu1/task', budget: 3, choices: ALLOC_FREE },
  ],
} satisfies Scenario;
