// The SLUB picture for the HTML page (`--html`): the lists a state holds,
// drawn from the trace view (slubView) alone, so that it survives changes
// to the state's representation as long as the view keeps its keys.
//
// Every list that can link a slab is drawn with the slabs it links: node
// partial lists, CPU partial chains, cpu slabs. A slab linked from two lists
// (the put_cpu_partial race: node0's partial list and cpu1's chain) carries
// the same id on both, and the page draws it as shared. Sheaves, the barn,
// the KASAN quarantines, each slab's free objects and each client's objects
// are lists of objects. Locks are every `...lock` field of the view with a
// context name as its value ('-' or null: free).
import type { Plain } from '../../src/engine/model.ts';
import type { Picture, PictureItem, PictureList, PictureLock } from '../../src/html/picture.ts';

type Rec = { readonly [k: string]: Plain };

const isRec = (v: Plain | undefined): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isList = (v: Plain | undefined): v is readonly Plain[] => Array.isArray(v);

function show(v: Plain | undefined): string {
  if (v === undefined) return '-';
  if (v === null) return 'null';
  if (Array.isArray(v)) return '[' + v.map(show).join(', ') + ']';
  if (isRec(v)) return '{' + Object.entries(v).map(([k, x]) => `${k}: ${show(x)}`).join(', ') + '}';
  return String(v);
}

/** What a slab's hover note says: its counters, flags and who owns its link words. */
function slabNote(name: string, s: Plain | undefined): string | undefined {
  if (!isRec(s)) return s === undefined ? undefined : `${name}: ${show(s)}`;
  const flags = [s.frozen === true ? 'frozen' : '', s.SL_partial === true ? 'SL_partial' : ''].filter(Boolean);
  return [
    `${name}: inuse ${show(s.inuse)}`,
    `free objects ${show(s.freelist)}`,
    ...flags,
    `link words L0 ${show(s.L0)}, L1 ${show(s.L1)}, owned by ${show(s.owner)}`,
  ].join(', ');
}

/** The items of a list of the view: slab names become slabs (with their notes), numbers objects, anything else a plain value. */
function itemsOf(view: Rec, values: readonly Plain[]): PictureItem[] {
  return values.map((x) => {
    if (typeof x === 'string' && /^S\d+$/.test(x)) {
      const note = slabNote(x, view[x]);
      return { label: x, kind: 'slab', id: x, ...(note !== undefined ? { note } : {}) };
    }
    if (typeof x === 'number') return { label: String(x), kind: 'object', id: `object ${x}`, note: `object ${x}` };
    return { label: show(x), kind: 'value' };
  });
}

/** How the fields of a node and a CPU are drawn: title and kind by field name; any other list field is drawn under its own name. */
const FIELDS: Readonly<Record<string, { title: string; kind: string }>> = {
  partial: { title: 'partial list', kind: 'slab list' },
  slab: { title: 'cpu slab', kind: 'slab list' },
  freelist: { title: 'cpu freelist', kind: 'objects' },
  main: { title: 'main sheaf', kind: 'sheaf' },
  spare: { title: 'spare sheaf', kind: 'sheaf' },
  rcu_free: { title: 'rcu_free sheaf', kind: 'sheaf' },
  quarantine: { title: 'KASAN quarantine', kind: 'objects' },
  rcu_cbs: { title: 'RCU callbacks', kind: 'callbacks' },
  work: { title: 'work items', kind: 'work' },
};

function fieldLists(view: Rec, group: string, rec: Rec, cpu: boolean): PictureList[] {
  const out: PictureList[] = [];
  for (const [field, value] of Object.entries(rec)) {
    const known = FIELDS[field];
    const title = field === 'partial' && cpu ? 'partial chain' : (known?.title ?? field);
    if (field === 'barn' && isRec(value)) out.push(...barnLists(view, group, value));
    else if (field === 'slab' && (typeof value === 'string' || value === null)) {
      out.push({ group, name: field, title, kind: 'slab list', items: value === null ? [] : itemsOf(view, [value]) });
    } else if (isList(value) && (known !== undefined || value.every((x) => typeof x !== 'object' || x === null))) {
      out.push({ group, name: field, title, kind: known?.kind ?? 'list', items: itemsOf(view, value) });
    }
  }
  return out;
}

/** The barn: each full sheaf as a list of its objects, and the empty sheaves. */
function barnLists(view: Rec, group: string, barn: Rec): PictureList[] {
  const full = isList(barn.full) ? barn.full : [];
  const out: PictureList[] = full.length
    ? full.map((sheaf, i) => ({ group, name: `barn.full[${i}]`, title: `barn: full sheaf ${i + 1}`, kind: 'sheaf', items: itemsOf(view, isList(sheaf) ? sheaf : [sheaf]) }))
    : [{ group, name: 'barn.full', title: 'barn: full sheaves', kind: 'barn', items: [] }];
  const empty = typeof barn.empty === 'number' ? barn.empty : 0;
  out.push({ group, name: 'barn.empty', title: 'barn: empty sheaves', kind: 'barn', items: Array.from({ length: empty }, () => ({ label: 'empty sheaf', kind: 'sheaf' })) });
  return out;
}

/** Every `...lock` field of the view, at any depth, whose value names its holder. */
function locksOf(v: Plain, path: string, out: PictureLock[]): PictureLock[] {
  if (!isRec(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    const p = path ? `${path}.${k}` : k;
    if (/lock$/i.test(k) && (typeof x === 'string' || x === null)) out.push({ name: p, holder: x === null || x === '-' || x === '' ? null : x });
    else locksOf(x, p, out);
  }
  return out;
}

const byIndex = (prefix: string) => (a: string, b: string) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length));

export function slubPicture(view: Plain): Picture {
  if (!isRec(view)) return { lists: [], locks: [] };
  const keys = Object.keys(view);
  const nodes = keys.filter((k) => /^node\d+$/.test(k)).sort(byIndex('node'));
  const cpus = keys.filter((k) => /^cpu\d+$/.test(k)).sort(byIndex('cpu'));
  const slabs = keys.filter((k) => /^S\d+$/.test(k)).sort(byIndex('S'));
  const contexts = keys.filter((k) => k.includes('/') && isRec(view[k]) && isList((view[k] as Rec).owns));
  const lists: PictureList[] = [
    ...nodes.flatMap((n) => (isRec(view[n]) ? fieldLists(view, n, view[n], false) : [])),
    ...cpus.flatMap((c) => (isRec(view[c]) ? fieldLists(view, c, view[c], true) : [])),
    ...contexts.map((c) => ({ group: 'clients', name: c, title: `${c} owns`, kind: 'objects', items: itemsOf(view, (view[c] as Rec).owns as readonly Plain[]) })),
  ];
  // Each live slab's free objects, and the live slabs no list links (full, or held by a context at work on them).
  const live = slabs.filter((s) => isRec(view[s]));
  const linked = new Set(lists.flatMap((l) => (l.kind === 'slab list' ? l.items.map((i) => i.id) : [])));
  lists.push(
    ...live.map((s) => {
      const free = (view[s] as Rec).freelist;
      return { group: 'slabs', name: s, title: `${s} free objects`, kind: 'objects', items: itemsOf(view, isList(free) ? free : []) };
    }),
    { group: 'slabs', name: 'unlisted', title: 'on no list', kind: 'slab list', items: itemsOf(view, live.filter((s) => !linked.has(s))) },
  );
  return { lists, locks: locksOf(view, '', []) };
}
