// A model-neutral drawing of one state's data structures, for the HTML page.
//
// A model may offer `picture(view)` (see Model in src/engine/model.ts): from
// the plain view of a state it names the lists the state holds (a node's
// partial list, a CPU's chain, a sheaf), the items on each, and the locks
// with their holders. The page draws these without knowing what they mean;
// an item with an `id` that appears on two lists is drawn as shared, which
// is how a slab linked from two lists at once becomes visible.

/** One thing on a list: a slab, an object, a sheaf, a callback. */
export interface PictureItem {
  /** What the page prints on the item. */
  readonly label: string;
  /** Free-form category (`slab`, `object`, `sheaf`): items of one kind are drawn alike. */
  readonly kind: string;
  /** Identity across lists: items with the same id on two lists are the same thing, drawn as shared. */
  readonly id?: string;
  /** A short description, shown on hover. */
  readonly note?: string;
}

/** A named list of items, drawn as one row under its group's heading. */
export interface PictureList {
  /** The heading the list is drawn under, e.g. `node0` or `cpu1`. */
  readonly group: string;
  /** The list's name within its group, stable across states (e.g. `partial`). */
  readonly name: string;
  /** What the page prints for the list; `name` when absent. */
  readonly title?: string;
  /** Free-form category (`slab list`, `sheaf`), kept on the page as `data-kind`. */
  readonly kind: string;
  readonly items: readonly PictureItem[];
}

/** A lock and the execution context holding it (null: free). */
export interface PictureLock {
  readonly name: string;
  readonly holder: string | null;
}

export interface Picture {
  readonly lists: readonly PictureList[];
  readonly locks: readonly PictureLock[];
}
