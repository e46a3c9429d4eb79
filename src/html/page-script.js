// The page script of `slubcheck ... --html`: draws the page model (built and
// tested in Node by src/html/page-model.ts) that the page carries as a JSON
// data block. It computes nothing the page model does not say; it lays out
// the swimlanes, the state tree with the selected step's changes, and the
// model's picture, and follows the keys and `#step=N` links. Plain browser
// JavaScript, inlined by src/html/page.ts and allowed by the page's
// content-security policy through its hash; it builds the DOM with
// textContent only, so no text from the trace is ever parsed as HTML.
(function () {
  'use strict';

  var pm = JSON.parse(document.getElementById('slubcheck-page-model').textContent);
  var last = pm.steps.length;
  var app = document.getElementById('app');
  var current = -1;

  /** An element with a class, attributes and children (strings become text). */
  function el(tag, cls, attrs, children) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (attrs) for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, String(attrs[k]));
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }

  function isRecord(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  }

  /** An array of scalars: one leaf of the state tree (diff compares it whole). */
  function isFlat(v) {
    return Array.isArray(v) && v.every(function (x) { return x === null || typeof x !== 'object'; });
  }

  function show(v) {
    if (v === undefined) return '-';
    if (v === null) return 'null';
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return '[' + v.map(show).join(', ') + ']';
    if (isRecord(v)) return '{' + Object.keys(v).map(function (k) { return k + ': ' + show(v[k]); }).join(', ') + '}';
    return String(v);
  }

  function stepLabel(n) {
    if (n === 0) return 'the initial state';
    var s = pm.steps[n - 1];
    return 'step ' + n + ' (' + s.context + ' ' + s.cell[0] + ')';
  }

  // ---- header: the violation ----------------------------------------------

  if (pm.violation) {
    var v = pm.violation;
    var vbox = el('section', 'violation', { id: 'violation' }, [
      el('h2', null, null, [v.kind === 'livelock' || v.kind === 'deadlock' ? v.kind.toUpperCase() : 'Violated: ' + v.property + ' (' + v.kind + ')']),
      v.description ? el('p', 'description', null, [v.description]) : null,
      v.explanation ? el('p', 'explanation', null, [v.explanation]) : null,
      el('p', null, null, ['Seen after ', el('a', null, { href: '#step=' + v.step }, ['step ' + v.step]), ' (key v).']),
      pm.cycleStart !== null
        ? el('p', 'cycle-note', null, ['The steps from ', el('a', null, { href: '#step=' + (pm.cycleStart + 1) }, ['step ' + (pm.cycleStart + 1)]), ' on repeat forever: the last step returns to the state before step ' + (pm.cycleStart + 1) + '.'])
        : null,
    ]);
    app.appendChild(vbox);
  }

  // ---- the swimlanes: one row per state, one column per context ------------

  var table = el('table', 'lanes', { id: 'lanes' });
  var head = el('tr', null, null, [el('th', 'num', null, ['#'])]);
  pm.lanes.forEach(function (lane, i) { head.appendChild(el('th', 'lane', { 'data-lane': i }, [lane])); });
  table.appendChild(el('thead', null, null, [head]));
  var body = el('tbody');
  var rows = [];

  /** Text that may break after `/`, `_`, `.`, `,` and `(` in a narrow lane (<wbr> adds no text). */
  function breakable(cls, text) {
    var e = el('div', cls);
    text.split(/(?<=[\/_.,(])/).forEach(function (part, i) {
      if (i > 0) e.appendChild(document.createElement('wbr'));
      e.appendChild(document.createTextNode(part));
    });
    return e;
  }

  function lockTag(text) {
    return el('span', 'lock-tag', null, [text]);
  }

  function row(n) {
    var tr = el('tr', 'step', { 'data-step': n, tabindex: -1 });
    tr.appendChild(el('td', 'num', null, [el('a', null, { href: '#step=' + n }, [String(n)])]));
    var held = pm.holding[n] || {};
    var before = n > 0 ? pm.holding[n - 1] || {} : {};
    pm.lanes.forEach(function (lane, i) {
      var td = el('td', 'cell', { 'data-lane': i });
      var step = n > 0 ? pm.steps[n - 1] : null;
      if (step && step.lane === i) {
        td.classList.add('acting');
        td.appendChild(breakable('step-name', step.cell[0]));
        // The change lines, indented in the text table by two spaces: indented here by the style sheet.
        step.cell.slice(1).forEach(function (line) { td.appendChild(breakable('step-change', line.replace(/^ +/, ''))); });
      } else if (n === 0 && i === 0) {
        td.appendChild(el('div', 'note', null, ['initial state']));
      }
      var locks = held[lane] || [];
      var had = before[lane] || [];
      if (locks.length) {
        td.classList.add('holds');
        td.setAttribute('data-locks', locks.join(' '));
        var taken = locks.filter(function (l) { return had.indexOf(l) < 0; });
        if (taken.length) td.appendChild(lockTag('holds ' + taken.join(', ')));
      }
      var dropped = had.filter(function (l) { return locks.indexOf(l) < 0; });
      if (dropped.length) td.appendChild(lockTag('released ' + dropped.join(', ')));
      tr.appendChild(td);
    });
    if (pm.violation && n === pm.violation.step) tr.classList.add('violating');
    if (pm.cycleStart !== null && n > pm.cycleStart) tr.classList.add('in-cycle');
    tr.addEventListener('click', function (e) {
      if (e.target && e.target.tagName === 'A') return;
      select(n);
    });
    return tr;
  }

  function marker(text) {
    return el('tr', 'cycle-marker', null, [el('td', null, { colspan: pm.lanes.length + 1 }, [text])]);
  }

  for (var n = 0; n <= last; n++) {
    if (pm.cycleStart !== null && n === pm.cycleStart + 1) body.appendChild(marker('~~ from here on the steps repeat forever ~~'));
    var tr = row(n);
    rows.push(tr);
    body.appendChild(tr);
  }
  if (pm.cycleStart !== null) body.appendChild(marker('~~ back to the state before step ' + (pm.cycleStart + 1) + ' ~~'));
  table.appendChild(body);

  var lanesBox = el('section', 'panel lanes-panel', null, [el('h2', null, null, ['Steps']), el('div', 'scroll', null, [table])]);

  // ---- the picture: the model's structures at the selected step ------------

  var pictureTitle = el('h2');
  var pictureBody = el('div', 'picture', { id: 'picture' });
  var pictureBox = pm.pictures ? el('section', 'panel picture-panel', null, [pictureTitle, pictureBody]) : null;

  // Each kind of item gets one of four tones, by first appearance in the trace (the page knows no kinds).
  var tones = {};
  (pm.pictures || []).forEach(function (p) {
    p.lists.forEach(function (l) {
      l.items.forEach(function (it) {
        if (!(it.kind in tones)) tones[it.kind] = Object.keys(tones).length % 4;
      });
    });
  });
  function tone(kind) {
    return 'tone-' + tones[kind];
  }

  function listKey(l) {
    return l.group + '\u0000' + l.name;
  }

  function drawPicture(n) {
    pictureTitle.textContent = 'Structures after ' + stepLabel(n);
    pictureBody.textContent = '';
    var pic = pm.pictures[pm.pictureOf[n]];
    var prev = n > 0 ? pm.pictures[pm.pictureOf[n - 1]] : null;
    var prevItems = {};
    if (prev) prev.lists.forEach(function (l) { prevItems[listKey(l)] = JSON.stringify(l.items); });
    // Where each identified item is: an item on two lists is drawn as shared on both.
    var where = {};
    pic.lists.forEach(function (l) {
      l.items.forEach(function (it) {
        if (it.id === undefined) return;
        var w = (where[it.id] = where[it.id] || []);
        var name = l.group + ' ' + (l.title || l.name);
        if (w.indexOf(name) < 0) w.push(name);
      });
    });
    if (pic.locks.length) {
      var locks = el('div', 'locks', null, [el('h3', null, null, ['locks'])]);
      pic.locks.forEach(function (l) {
        locks.appendChild(el('span', 'lock ' + (l.holder === null ? 'free' : 'held'), { 'data-lock': l.name, 'data-holder': l.holder }, [l.name + ': ' + (l.holder === null ? 'free' : l.holder)]));
      });
      pictureBody.appendChild(locks);
    }
    var groups = {};
    pic.lists.forEach(function (l) {
      var g = groups[l.group];
      if (!g) {
        g = groups[l.group] = el('div', 'group', { 'data-group': l.group }, [el('h3', null, null, [l.group])]);
        pictureBody.appendChild(g);
      }
      var items = el('span', 'items');
      if (l.items.length === 0) items.appendChild(el('span', 'empty', null, ['empty']));
      l.items.forEach(function (it) {
        var shared = it.id !== undefined && where[it.id].length > 1;
        var title = (it.note ? it.note + '. ' : '') + (shared ? 'On ' + where[it.id].length + ' lists: ' + where[it.id].join('; ') : '');
        items.appendChild(el('span', 'item ' + tone(it.kind) + (shared ? ' shared' : ''), { 'data-id': it.id, 'data-kind': it.kind, title: title || undefined }, [it.label, shared ? el('sup', null, null, ['\u00d7' + where[it.id].length]) : null]));
      });
      var changed = prev !== null && prevItems[listKey(l)] !== JSON.stringify(l.items);
      g.appendChild(el('div', 'plist' + (changed ? ' changed' : ''), { 'data-list': l.name, 'data-kind': l.kind }, [el('span', 'pname', null, [l.title || l.name]), items]));
    });
  }

  // ---- the state tree, with the selected step's changes --------------------

  var stateTitle = el('h2');
  var onlyChanged = el('input', null, { type: 'checkbox', id: 'only-changed' });
  var tree = el('div', 'tree', { id: 'state' });
  var stateBox = el('section', 'panel state-panel', null, [
    stateTitle,
    el('label', 'toggle', { for: 'only-changed' }, [onlyChanged, ' only the changed fields']),
    tree,
  ]);
  onlyChanged.addEventListener('change', function () {
    tree.classList.toggle('only-changed', onlyChanged.checked);
  });

  function childPath(path, key) {
    return typeof key === 'number' ? path + '[' + key + ']' : path ? path + '.' + key : key;
  }

  function drawTree(n) {
    stateTitle.textContent = 'State after ' + stepLabel(n);
    tree.textContent = '';
    var changed = n > 0 ? pm.steps[n - 1].changed : [];
    var set = {};
    changed.forEach(function (p) { set[p] = true; });
    function contains(path) {
      return changed.some(function (p) { return p.indexOf(path + '.') === 0 || p.indexOf(path + '[') === 0; });
    }
    function node(key, path, value, before, inChanged) {
      var cls = 'node';
      var isChanged = set[path] === true;
      if (isChanged) cls += ' changed';
      else if (inChanged) cls += ' in-changed';
      else if (contains(path)) cls += ' has-changed';
      var li = el('li', cls, { 'data-path': path });
      var nested = isRecord(value) || (Array.isArray(value) && !isFlat(value));
      li.appendChild(el('span', 'key', null, [String(typeof key === 'number' ? '[' + key + ']' : key)]));
      if (!nested) {
        li.appendChild(el('span', 'value', null, [show(value)]));
        if (isChanged) li.appendChild(el('span', 'was', null, ['was ' + show(before)]));
      } else {
        if (isChanged) li.appendChild(el('span', 'was', null, ['was ' + show(before)]));
        li.appendChild(children(value, before, path, inChanged || isChanged));
      }
      return li;
    }
    function children(value, before, path, inChanged) {
      var ul = el('ul');
      if (Array.isArray(value)) {
        value.forEach(function (x, i) { ul.appendChild(node(i, childPath(path, i), x, Array.isArray(before) ? before[i] : undefined, inChanged)); });
        return ul;
      }
      Object.keys(value).forEach(function (k) { ul.appendChild(node(k, childPath(path, k), value[k], isRecord(before) ? before[k] : undefined, inChanged)); });
      // Fields the step removed: shown greyed, with what they were.
      if (isRecord(before)) {
        Object.keys(before).forEach(function (k) {
          var p = childPath(path, k);
          if (k in value || set[p] !== true) return;
          ul.appendChild(el('li', 'node changed removed', { 'data-path': p }, [el('span', 'key', null, [k]), el('span', 'value', null, ['removed']), el('span', 'was', null, ['was ' + show(before[k])])]));
        });
      }
      return ul;
    }
    var state = pm.states[n];
    var prev = n > 0 ? pm.states[n - 1] : undefined;
    if (isRecord(state) || (Array.isArray(state) && !isFlat(state))) tree.appendChild(children(state, prev, '', false));
    else tree.appendChild(el('ul', null, null, [node('state', '', state, prev, false)]));
  }

  // ---- layout, selection, keys and links -----------------------------------

  var side = el('div', 'side', null, [pictureBox, stateBox]);
  app.appendChild(el('div', 'layout', null, [lanesBox, side]));

  function select(n) {
    if (typeof n !== 'number' || isNaN(n)) return;
    n = Math.max(0, Math.min(last, n));
    if (n !== current) {
      if (current >= 0) rows[current].classList.remove('selected');
      rows[n].classList.add('selected');
      current = n;
      document.body.setAttribute('data-selected-step', String(n));
      if (pictureBox) drawPicture(n);
      drawTree(n);
      if (rows[n].scrollIntoView) rows[n].scrollIntoView({ block: 'nearest' });
    }
    var hash = '#step=' + n;
    if (location.hash !== hash) {
      try {
        history.replaceState(null, '', hash);
      } catch (e) {
        location.hash = hash;
      }
    }
  }

  function fromHash() {
    var m = /^#step=(\d+)$/.exec(location.hash);
    return m ? Number(m[1]) : undefined;
  }

  window.addEventListener('hashchange', function () {
    var n = fromHash();
    if (n !== undefined) select(n);
  });

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA')) return;
    var to;
    switch (e.key) {
      case 'ArrowDown': case 'ArrowRight': case 'j': case 'n': to = current + 1; break;
      case 'ArrowUp': case 'ArrowLeft': case 'k': case 'p': to = current - 1; break;
      case 'Home': case 'g': to = 0; break;
      case 'End': case 'G': to = last; break;
      case 'v': to = pm.violation ? pm.violation.step : undefined; break;
      default: return;
    }
    e.preventDefault();
    if (to !== undefined) select(to);
  });

  // Open on the step the link names, else on the violation, else on the initial state.
  var start = fromHash();
  select(start !== undefined ? start : pm.violation ? pm.violation.step : 0);
})();
