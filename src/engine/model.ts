// The model API, in the shape of stateright's `Model`.
//
// A model is plain data plus pure functions: its initial states, the enabled
// actions of a state in a deterministic order, the next state for an action,
// and named properties. The engine never imports a model; models import this
// file. States and actions must be plain data (records, readonly arrays,
// strings, numbers, booleans, null): no classes, Maps, Sets or functions, so
// that a state's fingerprint is stable and a trace can be replayed.
import type { Picture } from '../html/picture.ts';

/** Plain JSON-like data: what a state, an action or a configuration is made of. */
export type Plain =
  | null
  | boolean
  | number
  | string
  | readonly Plain[]
  | { readonly [k: string]: Plain };

/**
 * One enabled transition. `context` names the execution context that takes
 * it (`cpu0/task`, `cpu1/irq`), `step` names the code it runs
 * (`__slab_free/cmpxchg`). Every nondeterministic choice the step makes is an
 * explicit extra field, so two actions of the same step differ in their data.
 */
export interface Action {
  readonly context: string;
  readonly step: string;
  readonly [choice: string]: Plain | undefined;
}

export type PropertyKind = 'always' | 'sometimes' | 'at_end';

export interface Property<S> {
  /** snake_case, as a developer of the modelled system would say it. */
  readonly name: string;
  /**
   * always: must hold in every reachable state.
   * sometimes: must hold in at least one reachable state (a witness that the
   *   interesting part was reached, so nothing passes vacuously).
   * at_end: must hold in every terminal state (every context has finished).
   */
  readonly kind: PropertyKind;
  readonly description?: string;
  /** For `always`/`at_end`: true when the state is fine. For `sometimes`: true when witnessed. */
  readonly check: (state: S) => boolean;
  /** Optional explanation printed with a violation: what exactly is wrong in this state. */
  readonly explain?: (state: S) => string | undefined;
  /**
   * For `sometimes`: witnessed when a transition emits this event (a step
   * that happened at least once), instead of by a check of a state. Events
   * are not part of the state, so states that differ only in which events
   * led to them are one state. Several events: any of them witnesses it.
   */
  readonly event?: string | readonly string[];
}

/** How a step reports an event for `sometimes` witnesses. */
export type Emit = (event: string) => void;

/**
 * A model whose states are packed: one Uint32Array of `width` words each
 * (see layout.ts). The engine keeps them in typed arrays, hashes their words
 * and never changes a state after it is made.
 */
export interface Packed<A extends Action = Action> {
  readonly width: number;
  /**
   * The successor of `s` by `a`, written into `out`, which holds a copy of
   * `s` on entry. Events the step emits go to `emit`.
   */
  readonly nextInto: (s: Uint32Array, a: A, out: Uint32Array, emit: Emit) => void;
  /**
   * Symmetry reduction: rewrite `w` in place into the canonical
   * representative of its class (states the model declares interchangeable,
   * e.g. by relabelling identical CPUs). Optional.
   */
  readonly canonicalize?: (w: Uint32Array) => void;
}

export interface Model<S = unknown, A extends Action = Action> {
  /** Model id, as given to `slubcheck check`, e.g. `toy/peterson`. */
  readonly id: string;
  /** The configuration the model was built from; part of every trace. */
  readonly config: Plain;
  /** Execution contexts in display order: the columns of a trace. */
  readonly contexts: readonly string[];
  readonly initStates: () => readonly S[];
  /** Enabled actions, in a deterministic order. Empty means the state is final. */
  readonly actions: (state: S) => readonly A[];
  /** The next state. Pure: it must not mutate `state`. */
  readonly next: (state: S, action: A) => S;
  readonly properties: readonly Property<S>[];
  /**
   * Terminal: every context has finished its work. A state with no enabled
   * action that is not terminal is a deadlock. `at_end` properties are checked
   * in every terminal state.
   */
  readonly terminal: (state: S) => boolean;
  /** What a trace shows of a state; the fields a step changed are diffed on this view. Defaults to the state. */
  readonly view?: (state: S) => Plain;
  /** Optional drawing of a state's structures for the HTML page (`--html`): a pure function of `view(state)`. */
  readonly picture?: (view: Plain) => Picture;
  /**
   * Optional description of which shared locations an action reads and
   * writes (documentation, and a hook for partial-order reduction).
   */
  readonly footprint?: (state: S, action: A) => { reads: readonly string[]; writes: readonly string[] } | undefined;
  /**
   * Instrumentation: how often each named piece of the model's code ran in the
   * transitions computed so far (for SLUB, `fn/label` per step and
   * `feature:<name>` per version switch read). `verify` requires the code a
   * patch changes to appear here.
   */
  readonly coverage?: () => ReadonlyMap<string, number>;
  /** For a deadlock or livelock: one line per context that cannot go on, saying what it waits for. */
  readonly describeWaits?: (state: S) => readonly string[];
  /** Present when the states are packed (then S is Uint32Array). */
  readonly packed?: Packed<A>;
  /**
   * For a model with several initial states (a start the checker chooses):
   * the start a trace begins from, in one line, printed above its table.
   */
  readonly describeStart?: (state: S) => string;
  /** The verdict the configuration declares it expects (a scenario's kunit-style expectation), and who declares it. */
  readonly expected?: Expected;
}

/** An expected verdict: no violation (from a complete search), a violation of a named property, a deadlock or a livelock. */
export interface Expected {
  readonly result: 'ok' | 'violation' | 'deadlock' | 'livelock';
  readonly property?: string;
  /** Who expects it, for reports: e.g. `scenario my-workload on v6.19`. */
  readonly by: string;
}

/** A model family entry, as the CLI lists and resolves it. */
export interface ModelEntry {
  /** e.g. `toy/peterson`, or `17c38c88` for a SLUB version. */
  readonly id: string;
  readonly summary: string;
  /** Other names accepted on the command line (e.g. `17c38c88294d`). */
  readonly aliases?: readonly string[];
  /**
   * Configurations worth listing (e.g. scenarios), one line each; `exhaustive: false` for those only random searches should
   * take; `large: true` for those whose complete search takes minutes (not in `verify`'s default set).
   */
  readonly configurations?: readonly { readonly name: string; readonly summary: string; readonly exhaustive?: boolean; readonly large?: boolean }[];
  /** One line describing a configuration by the name it was given on the command line (a listed one, or a file). */
  readonly describeScenario?: (name: string) => string | undefined;
  /** Built-in patches that apply to this model, one line each (`slubcheck list`). */
  readonly patches?: readonly { readonly name: string; readonly summary: string }[];
  /** One line describing a patch (for reports): name, source, content hash, summary. */
  readonly describePatch?: (name: string) => string;
  /** The code (step names, as the model's coverage names them) that these patches replace or add. */
  readonly changedCode?: (patches: readonly string[]) => readonly string[];
  /** Why the model cannot reach some code these patches change, when the patch says so (verify prints it). */
  readonly unreachableReason?: (patches: readonly string[], code: string) => string | undefined;
  /** The model's steps, one line each (`slubcheck steps`): what a patch can change. */
  readonly describeSteps?: (config: Plain) => readonly string[];
  /** Build the model for a configuration; throws UsageError on an impossible configuration. */
  readonly build: (config: Plain) => Model<any, any>;
  /** The configuration implied by command-line options (scenario, patches, switches). */
  readonly configFromOptions?: (options: ModelOptions) => Plain;
}

/** Options every model family may interpret; unknown ones are rejected by the CLI. */
export interface ModelOptions {
  readonly scenario?: string;
  readonly patches?: readonly string[];
  readonly kasan?: boolean;
}

export interface Registry {
  readonly entries: readonly ModelEntry[];
  /** Families that resolve ids not listed (e.g. versions with aliases). */
  readonly resolve: (id: string) => ModelEntry | undefined;
  /** The worker script that rebuilds one of these models from its id and configuration (random/PCT portfolios, portfolio.ts). */
  readonly shardWorker?: (model: string, config: Plain) => { readonly url: URL; readonly data: unknown };
}
