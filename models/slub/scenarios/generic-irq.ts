import type { Scenario } from '../scenario-api.ts';
import { ALLOC_FREE, GENERIC } from './shared.ts';

export default {
  name: 'generic-irq',
  summary: 'generic, with an interrupt context on each CPU: every context chooses one allocation or free',
  ...GENERIC,
  contexts: [
    { name: 'cpu0/task', budget: 1, choices: ALLOC_FREE },
    { name: 'cpu0/irq', budget: 1, choices: ALLOC_FREE },
    { name: 'cpu1/task', budget: 1, choices: ALLOC_FREE },
    { name: 'cpu1/irq', budget: 1, choices: ALLOC_FREE },
  ],
} satisfies Scenario;
