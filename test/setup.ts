// Tests run with immer's auto-freeze on, so a step that mutates a state it
// was given throws instead of silently corrupting the search.
import { setAutoFreeze } from '../src/engine/immer.ts';

setAutoFreeze(true);
