/** The /ui page's script (plain ES2017, no build step, no dependencies): draws /ui/chart.json, follows /ui/events. */
import { FAILOVER_STATES } from '../../../machines/failover.js';

export const APP_JS = String.raw`(function () {
  'use strict';
  // The six kuutamod states are the boxes; the chart's grouping states (NeardUp, InSession) are not drawn.
  var STATES = ${JSON.stringify(FAILOVER_STATES)};
  var SVG = 'http://www.w3.org/2000/svg';
  var W = 1000, H = 640, BOX_W = 168;
  var graph = null;
  var boxes = {};

  function el(tag, attrs, parent, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function nodeById(id) { return graph.nodes.find(function (n) { return n.id === id; }); }
  function isBox(n) { return STATES.indexOf(n.key) >= 0; }
  // The box a node is drawn in; null for the machine and grouping states (their transitions go in the note).
  function topOf(id) {
    var n = nodeById(id);
    while (n && !isBox(n)) n = n.parent === null ? null : nodeById(n.parent);
    return n ? n.id : null;
  }
  // /state names states as operators do ("Validating.Leased"): the id of that node in the chart.
  function idOfName(name) {
    var box = graph.nodes.find(function (n) { return isBox(n) && n.key === name.split('.')[0]; });
    return box ? box.id + name.slice(box.key.length) : '';
  }
  function shortName(id) { return id.slice(graph.machineId.length + 1); }

  // The top-level states on a ring, in definition order (the healthy order), starting on the left.
  function layout(tops) {
    var cx = W / 2, cy = H / 2 - 10, rx = 370, ry = 215;
    tops.forEach(function (top, i) {
      var a = Math.PI + (2 * Math.PI * i) / tops.length;
      var children = graph.nodes.filter(function (n) { return n.parent === top.id; });
      var h = 46 + children.length * 17;
      boxes[top.id] = { x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a), w: BOX_W, h: h, children: children };
    });
  }
  // Where the line from the box centre towards (tx, ty) leaves the box.
  function border(b, tx, ty) {
    var dx = tx - b.x, dy = ty - b.y;
    var s = Math.min(Math.abs((b.w / 2 + 4) / (dx || 1e-9)), Math.abs((b.h / 2 + 4) / (dy || 1e-9)));
    return { x: b.x + dx * s, y: b.y + dy * s };
  }

  function drawChart(svg) {
    var defs = el('defs', {}, svg);
    var marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8a97a6' }, marker);
    var tops = graph.nodes.filter(isBox);
    layout(tops);
    var pairs = {}, loops = {}, anyState = [];
    graph.edges.forEach(function (e) {
      if (e.target === null) return;
      var s = topOf(e.source), t = topOf(e.target);
      if (s === null) {
        // A grouping state's transition holds in the boxes inside it that do not handle the event themselves.
        var handles = function (b) { return graph.edges.some(function (x) { return x.source === b.id && x.event === e.event && x.guard === null; }); };
        var inside = e.source === graph.machineId ? [] : tops.filter(function (b) { return b.id.indexOf(e.source + '.') === 0 && !handles(b); }).map(function (b) { return b.key; });
        anyState.push((inside.length ? inside.join(', ') + ': ' : '') + e.label + ' \u2192 ' + (t ? nodeById(t).key : shortName(e.target)));
        return;
      }
      if (s === t) {
        // Inside one top-level state: a self-transition, or a step between its substates.
        var from = e.source === s ? '' : shortName(e.source).split('.').pop();
        var to = shortName(e.target).split('.').pop();
        var where = e.source === e.target ? (from ? from + ': ' : '') : from + ' \u2192 ' + to + ': ';
        (loops[s] = loops[s] || []).push(where + e.label);
        return;
      }
      var key = s + '>' + t;
      (pairs[key] = pairs[key] || { s: s, t: t, labels: [] }).labels.push(e.label);
    });
    var edgeLayer = el('g', {}, svg);
    Object.keys(pairs).forEach(function (key) {
      var p = pairs[key], a = boxes[p.s], b = boxes[p.t];
      // Bend every arrow to its right so A->B and B->A do not overlap.
      var mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2, dx = b.x - a.x, dy = b.y - a.y;
      var len = Math.sqrt(dx * dx + dy * dy) || 1, bend = 38;
      var cx = mx - (dy / len) * bend, cy = my + (dx / len) * bend;
      var from = border(a, cx, cy), to = border(b, cx, cy);
      var g = el('g', { 'class': 'edge', 'data-from': p.s, 'data-to': p.t }, edgeLayer);
      el('path', { d: 'M' + from.x + ',' + from.y + ' Q' + cx + ',' + cy + ' ' + to.x + ',' + to.y, 'marker-end': 'url(#arrow)' }, g);
      var lx = 0.25 * from.x + 0.5 * cx + 0.25 * to.x, ly = 0.25 * from.y + 0.5 * cy + 0.25 * to.y;
      var text = el('text', { x: lx, y: ly - (p.labels.length - 1) * 6, 'text-anchor': 'middle' }, g);
      p.labels.forEach(function (label, i) { el('tspan', { x: lx, dy: i === 0 ? 0 : 12 }, text, label); });
    });
    tops.forEach(function (top) {
      var b = boxes[top.id];
      var g = el('g', { 'class': 'state', 'data-id': top.id }, svg);
      el('rect', { 'class': 'box', x: b.x - b.w / 2, y: b.y - b.h / 2, width: b.w, height: b.h, rx: 10 }, g);
      el('text', { 'class': 'name', x: b.x, y: b.y - b.h / 2 + 24, 'text-anchor': 'middle' }, g, top.key);
      b.children.forEach(function (child, i) {
        el('text', { 'class': 'substate', 'data-id': child.id, x: b.x, y: b.y - b.h / 2 + 44 + i * 17, 'text-anchor': 'middle' }, g, child.key);
      });
      (loops[top.id] || []).forEach(function (label, i) {
        el('text', { 'class': 'loop', x: b.x, y: b.y + b.h / 2 + 14 + i * 12, 'text-anchor': 'middle' }, g, (label.indexOf('\u2192') >= 0 ? '' : '\u21bb ') + label);
      });
    });
    var note = el('text', { 'class': 'note', x: W / 2, y: H / 2 - 10, 'text-anchor': 'middle' }, svg);
    el('tspan', { x: W / 2, dy: 0 }, note, 'from any state:');
    anyState.forEach(function (line) { el('tspan', { x: W / 2, dy: 14 }, note, line); });
  }

  function setText(id, text) { document.getElementById(id).textContent = text; }
  function renderFacts(v) {
    var rows = [
      ['holds lock', v.holdsLock ? 'yes' : 'no'],
      ['session', v.sessionId || '\u2014'],
      ['neard pid', v.neardPid === null ? '\u2014' : String(v.neardPid)],
      ['neard mode', v.neardMode || '\u2014'],
      ['sync height', v.blockHeight === null ? '\u2014' : String(v.blockHeight)],
      ['syncing', v.syncing === null ? '\u2014' : String(v.syncing)],
      ['neard restarts', String(v.neardRestarts)],
      ['last error', v.lastError || '\u2014'],
    ];
    var dl = document.getElementById('facts');
    dl.textContent = '';
    rows.forEach(function (r) {
      var dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = r[0];
      dd.textContent = r[1];
      dd.id = 'fact-' + r[0].replace(/ /g, '-');
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
  }
  function renderTransitions(list) {
    var body = document.querySelector('#transitions tbody');
    body.textContent = '';
    list.slice(-20).reverse().forEach(function (t) {
      var tr = document.createElement('tr');
      [new Date(t.at).toLocaleTimeString(), t.from || '\u2014', t.to, t.cause].forEach(function (text, i) {
        var td = document.createElement('td');
        td.textContent = text;
        if (i === 0) { td.className = 'time'; td.title = t.at; }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function render(v) {
    document.body.setAttribute('data-state', v.state || '');
    setText('node', v.nodeId);
    setText('account', v.accountId);
    setText('state', v.state || '\u2026');
    setText('detail', v.detail && v.detail !== v.state ? '(' + v.detail + ')' : '');
    document.title = 'kuutamod ' + v.nodeId + ': ' + (v.state || '');
    var active = v.state ? idOfName(v.state) : '';
    var leaf = v.detail ? idOfName(v.detail) : '';
    document.querySelectorAll('.state').forEach(function (g) { g.classList.toggle('active', g.getAttribute('data-id') === active); });
    document.querySelectorAll('.substate').forEach(function (t) { t.classList.toggle('active', t.getAttribute('data-id') === leaf); });
    var last = v.transitions[v.transitions.length - 1];
    document.querySelectorAll('.edge').forEach(function (g) {
      var recent = !!last && !!last.from && g.getAttribute('data-from') === idOfName(last.from) && g.getAttribute('data-to') === idOfName(last.to);
      g.classList.toggle('recent', recent);
    });
    renderFacts(v);
    renderTransitions(v.transitions);
  }

  function connect() {
    var status = document.getElementById('connection');
    var source = new EventSource('/ui/events');
    source.onopen = function () { status.textContent = 'live'; status.className = 'connection live'; };
    source.onerror = function () { status.textContent = 'reconnecting\u2026'; status.className = 'connection down'; };
    source.onmessage = function (event) { render(JSON.parse(event.data)); };
  }

  fetch('/ui/chart.json').then(function (r) { return r.json(); }).then(function (g) {
    graph = g;
    drawChart(document.getElementById('chart'));
    connect();
  });
})();
`;
