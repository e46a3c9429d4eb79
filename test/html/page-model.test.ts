// The page's view model, checked in Node against the engine's own renderings
// of the same replay: the lanes and step text of the terminal table, the
// changed fields `diff` finds, list memberships read straight off the view,
// lock holders, the violation, and a payload that cannot leave its script
// element.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { Action, Model, Plain } from '../../src/engine/model.ts';
import { diff, renderTable, stepCells } from '../../src/engine/render.ts';
import { encodeToken, replay } from '../../src/engine/trace.ts';
import { buildPageModel, type PageModel } from '../../src/html/page-model.ts';
import { jsonForScript, PAYLOAD_ID, renderPage } from '../../src/html/page.ts';
import type { Picture } from '../../src/html/picture.ts';
import { demo, livelock, type Replayed } from './traces.ts';

const race = demo('race');
const destroy = demo('destroy');
const page = (r: Replayed): PageModel => buildPageModel(r.model, r.trace, r.path);
const rec = (v: Plain | undefined) => v as Record<string, Plain>;

/** The picture of state i. */
function pictureAt(pm: PageModel, i: number): Picture {
  return pm.pictures![pm.pictureOf![i]!]!;
}

/** Where each slab is linked, as the picture draws it: slab -> sorted `group name` of every slab list holding it. */
function drawnMemberships(p: Picture): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of p.lists) {
    if (l.kind !== 'slab list' || l.name === 'unlisted') continue;
    for (const it of l.items) (out[it.id!] ??= []).push(`${l.group} ${l.name}`);
  }
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

/** The same, read straight off the view: node partial lists, CPU partial chains and cpu slabs. */
function viewMemberships(view: Plain): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(rec(view))) {
    if (!/^(node|cpu)\d+$/.test(key)) continue;
    const v = rec(value);
    for (const s of (v.partial as string[] | undefined) ?? []) (out[s] ??= []).push(`${key} partial`);
    if (typeof v.slab === 'string') (out[v.slab] ??= []).push(`${key} slab`);
  }
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

describe('the page model of the put_cpu_partial race (17c38c88, generic)', () => {
  const pm = page(race);

  it('has the columns of the terminal table, one lane per context that took a step', () => {
    const header = renderTable(race.model, race.path).split('\n')[0]!.trim().split(/\s{2,}/);
    expect(pm.lanes).toEqual(header);
    expect(pm.lanes).toEqual(['cpu0/task', 'cpu1/task']);
  });

  it("has one step per step of the trace, with the terminal table's text, in its context's lane", () => {
    expect(pm.steps).toHaveLength(race.trace.steps.length);
    expect(pm.steps.map((s) => s.cell)).toEqual(stepCells(race.model, race.path));
    pm.steps.forEach((s, i) => {
      expect(s.context).toBe(race.trace.steps[i]!.context);
      expect(pm.lanes[s.lane]).toBe(s.context);
    });
  });

  it('keeps the view of every replayed state, from the initial one to the last', () => {
    expect(pm.states).toEqual(race.views);
    expect(pm.states).toHaveLength(race.trace.steps.length + 1);
  });

  it('marks, at every step, exactly the fields diff finds between the views before and after it', () => {
    pm.steps.forEach((s, i) => expect(s.changed).toEqual(diff(race.views[i], race.views[i + 1]).map((c) => c.path)));
    expect(pm.steps[2]!.changed).toContain('node0.list_lock');
    expect(pm.steps[6]!.changed).toEqual(expect.arrayContaining(['S0.L0', 'S0.L1', 'cpu1.partial']));
  });

  it("draws S0 only on node0's partial list before the racing step", () => {
    for (let i = 0; i < pm.steps.length; i++) expect(drawnMemberships(pictureAt(pm, i)).S0).toEqual(['node0 partial']);
  });

  it("draws S0 on node0's partial list and on cpu1's partial chain at the racing step", () => {
    expect(pm.steps.at(-1)!.cell[0]).toBe('put_cpu_partial/link');
    expect(drawnMemberships(pictureAt(pm, pm.steps.length)).S0).toEqual(['cpu1 partial', 'node0 partial']);
  });

  it('shows cpu0/task holding node0.list_lock from the step that takes it to the end, as the view says', () => {
    pm.holding.forEach((h, i) => {
      const holder = rec(rec(race.views[i]).node0).list_lock;
      expect(h).toEqual(holder === '-' || holder === null ? {} : { [holder as string]: ['node0.list_lock'] });
    });
    expect(pm.holding[2]).toEqual({});
    expect(pm.holding[3]).toEqual({ 'cpu0/task': ['node0.list_lock'] });
    expect(pm.holding.at(-1)).toEqual({ 'cpu0/task': ['node0.list_lock'] });
  });

  it('names the violated property, its description and its explanation at the last step', () => {
    const p = race.model.properties.find((q) => q.name === race.trace.property)!;
    expect(pm.violation).toEqual({
      property: 'link_words_written_by_owner',
      kind: 'always',
      description: p.description,
      explanation: p.explain!(race.path.states.at(-1)),
      step: 7,
    });
    expect(pm.violation!.explanation).toMatch(/put_cpu_partial in cpu1\/task wrote L1 of S0/);
    expect(pm.cycleStart).toBeNull();
  });

  it('carries the replay token and the command that reproduces it', () => {
    expect(pm.token).toBe(encodeToken(race.trace));
    expect(pm.command).toBe(`npx slubcheck replay ${pm.token}`);
    expect(buildPageModel(race.model, race.trace, race.path, { command: 'x' }).command).toBe('x');
  });
});

describe('the page model of the kmem_cache_destroy leak (v6.19, destroy-after-kfree-rcu, kasan)', () => {
  const pm = page(destroy);

  it('has 17 steps in six lanes, the columns of the terminal table', () => {
    expect(pm.steps).toHaveLength(17);
    expect(pm.lanes).toHaveLength(6);
    expect(pm.lanes).toEqual(renderTable(destroy.model, destroy.path).split('\n')[0]!.trim().split(/\s{2,}/));
  });

  it('marks, at every step, exactly the fields diff finds between the views before and after it', () => {
    pm.steps.forEach((s, i) => expect(s.changed).toEqual(diff(destroy.views[i], destroy.views[i + 1]).map((c) => c.path)));
    expect(pm.steps.some((s) => s.changed.length === 0)).toBe(true);
  });

  it("draws object 0 in cpu0's KASAN quarantine at the last step, and the leak as the violation", () => {
    const q = pictureAt(pm, 17).lists.find((l) => l.group === 'cpu0' && l.name === 'quarantine')!;
    expect(q.items.map((i) => i.label)).toEqual(['0']);
    expect(pm.violation).toMatchObject({ property: 'kmem_cache_destroy_leaves_no_objects', step: 17 });
    expect(pm.violation!.explanation).toMatch(/object 0 in cpu0's KASAN quarantine/);
  });
});

describe('the SLUB picture', () => {
  for (const r of [race, destroy]) {
    it(`draws every slab on exactly the lists the view links it from, at every step of ${r.name}`, () => {
      const pm = page(r);
      r.views.forEach((v, i) => {
        expect(drawnMemberships(pictureAt(pm, i))).toEqual(viewMemberships(v));
        const live = Object.keys(rec(v)).filter((k) => /^S\d+$/.test(k) && typeof rec(v)[k] === 'object');
        const unlisted = pictureAt(pm, i).lists.find((l) => l.name === 'unlisted')!.items.map((it) => it.id);
        expect(unlisted).toEqual(live.filter((s) => viewMemberships(v)[s] === undefined));
      });
    });
  }

  it('is a pure function of the view: the same view gives the same picture', () => {
    const v = race.views.at(-1)!;
    expect(race.model.picture!(structuredClone(v))).toEqual(race.model.picture!(v));
  });
});

describe('the page model of a livelock', () => {
  it('marks the first step of the repeating cycle and says the steps repeat', () => {
    const l = livelock();
    const pm = page(l);
    expect(pm.cycleStart).toBe(1);
    expect(pm.violation).toMatchObject({ property: 'livelock', kind: 'livelock', step: 2 });
    expect(pm.violation!.description).toMatch(/steps from 2 on repeat forever/);
    expect(pm.pictures).toBeNull();
  });
});

/** A one-step model whose view holds text that would end a script element if it were not escaped. */
const hostile = '</script><script>alert(1)</script><!-- & \u2028\u2029 </SCRIPT';
const hostileModel: Model<{ note: string }, Action> = {
  id: 'toy/hostile',
  config: { scenario: hostile },
  contexts: ['t'],
  initStates: () => [{ note: '' }],
  actions: (s) => (s.note ? [] : [{ context: 't', step: 'write' }]),
  next: () => ({ note: hostile }),
  properties: [{ name: 'no_note', kind: 'always', check: (s) => !s.note, explain: (s) => s.note }],
  terminal: (s) => s.note !== '',
};

describe('the page', () => {
  const trace = { model: 'toy/hostile', config: hostileModel.config, init: 0, steps: [{ index: 0, context: 't', step: 'write' }], property: 'no_note' };
  const pm = buildPageModel(hostileModel, trace, replay(hostileModel, trace));
  const html = renderPage(pm);

  it('carries a JSON payload that cannot leave its script element', () => {
    const open = `<script type="application/json" id="${PAYLOAD_ID}">`;
    const start = html.indexOf(open) + open.length;
    const payload = html.slice(start, html.indexOf('</script>', start));
    expect(payload).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(payload)).toEqual(JSON.parse(JSON.stringify(pm)));
    expect(pm.violation!.explanation).toBe(hostile);
  });

  it('escapes <, >, &, U+2028 and U+2029 into JSON that parses back to the same value', () => {
    const text = jsonForScript({ s: hostile });
    expect(text).toContain('\\u003c/script\\u003e');
    expect(text).toContain('\\u2028\\u2029');
    expect(JSON.parse(text)).toEqual({ s: hostile });
  });

  it('escapes the text of its static header', () => {
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<script/g)).toHaveLength(2);
  });

  it("allows, by its content-security policy, no load at all and only its own style sheet and script", () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    const hash = (t: string) => `'sha256-${createHash('sha256').update(t).digest('base64')}'`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(csp).toMatch(/^default-src 'none';/);
    expect(csp).toContain(`style-src ${hash(style)};`);
    expect(csp).toContain(`script-src ${hash(script)};`);
    expect(csp).not.toMatch(/unsafe|https?:|\*/);
    expect(html).not.toMatch(/https?:\/\/|\ssrc=/);
  });
});
