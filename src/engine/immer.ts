// The engine's own Immer instance. Every model step is one `produce` through
// it. Auto-freeze is off during search (freezing every new state costs more
// than the step), and tests switch it on so that an accidental mutation of a
// state throws instead of silently corrupting the search.
import { Immer } from 'immer';

const immer = new Immer({ autoFreeze: false });

export const produce: Immer['produce'] = immer.produce;

export function setAutoFreeze(on: boolean): void {
  immer.setAutoFreeze(on);
}
