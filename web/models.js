// Haven's model registry page for admins (GET /api/admin/models, POST .../approve and
// .../rollback; docs/learning.md): every trained version with its figures on the fixed safety
// set, the gate's verdict, a chart, and the buttons that approve a candidate or roll back. The
// staff token comes from the console's sessionStorage entry of this tab and travels only in the
// Authorization header. Text from the server is inserted as text, never as HTML.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const STATUS = { candidate: 'candidate (passed the gate)', refused: 'refused by the gate',
    active: 'active', retired: 'retired' };

  let session = null;
  try { session = JSON.parse(sessionStorage.getItem('haven.staff') || 'null'); } catch (e) { /* none */ }

  function setStatus(text) { $('status').textContent = text; }
  function svg(name, attrs, text) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function cell(tr, text, header) {
    const c = document.createElement(header ? 'th' : 'td');
    if (header) c.scope = 'row';
    c.textContent = text;
    tr.appendChild(c);
    return c;
  }
  const fixed = (v) => (typeof v === 'number' ? v.toFixed(3) : '-');
  const figures = (m) => fixed(m.at_risk_recall) + ' \u00b7 ' + fixed(m.urgent_recall) +
    ' \u00b7 ' + fixed(m.false_alarm_rate);

  // Grouped bars per version: at-risk recall, urgent recall, false alarms (0..1).
  function chart(rows) {
    const W = 560, H = 220, left = 40, right = 12, top = 12, bottom = 40;
    const s = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'chart-svg', role: 'img',
      'aria-labelledby': 'versions-chart-t versions-chart-d', focusable: 'false' });
    s.appendChild(svg('title', { id: 'versions-chart-t' },
      'At-risk recall, urgent recall and false alarms of each version'));
    s.appendChild(svg('desc', { id: 'versions-chart-d' }, rows.map((r) => r.label + ': recall ' +
      fixed(r.m.at_risk_recall) + ', urgent ' + fixed(r.m.urgent_recall) + ', false alarms ' +
      fixed(r.m.false_alarm_rate)).join('; ')));
    const y = (v) => top + (H - top - bottom) * (1 - Math.max(0, Math.min(1, v)));
    for (const t of [0, 0.5, 1]) {
      s.appendChild(svg('line', { x1: left - 4, x2: W - right, y1: y(t), y2: y(t), class: 'grid' }));
      s.appendChild(svg('text', { x: left - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' },
        t.toFixed(1)));
    }
    const slot = (W - left - right) / Math.max(1, rows.length);
    rows.forEach((r, i) => {
      const bars = [[r.m.at_risk_recall, 'bar'], [r.m.urgent_recall, 'bar bar-urgent'],
        [r.m.false_alarm_rate, 'bar bar-bad']];
      const w = slot * 0.8 / 3;
      bars.forEach(([v, cls], k) => {
        const x = left + i * slot + slot * 0.1 + k * w;
        s.appendChild(svg('rect', { x, y: y(v || 0), width: w * 0.9,
          height: Math.max(0, y(0) - y(v || 0)), class: cls }));
      });
      s.appendChild(svg('text', { x: left + i * slot + slot / 2, y: H - 22, class: 'tick',
        'text-anchor': 'middle' }, r.short));
    });
    const legend = [['bar', 'at-risk recall'], ['bar bar-urgent', 'urgent recall'],
      ['bar bar-bad', 'false alarms']];
    legend.forEach(([cls, text], k) => {
      const x = left + k * 150;
      s.appendChild(svg('rect', { x, y: H - 12, width: 10, height: 10, class: cls }));
      s.appendChild(svg('text', { x: x + 14, y: H - 3, class: 'tick' }, text));
    });
    return s;
  }

  async function call(method, path, body) {
    const init = { method, headers: { Authorization: 'Bearer ' + session.token }, cache: 'no-store' };
    if (body) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try { res = await fetch(path, init); } catch (e) { return { ok: false, status: 0, body: null }; }
    let json = null;
    try { json = await res.json(); } catch (e) { /* not JSON */ }
    return { ok: res.ok, status: res.status, body: json };
  }

  async function change(action, version) {
    setStatus((action === 'approve' ? 'Approving ' : 'Rolling back to ') + version + '\u2026');
    const r = await call('POST', '/api/admin/models/' + action, { version });
    if (r.ok && r.body) {
      render(r.body);
      setStatus(version + ' is now the active version. Each server loads it when it next ' +
        'starts.');
      return;
    }
    failed(r, action === 'approve' ? 'Not approved' : 'Not rolled back');
  }

  function button(text, label, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary';
    b.textContent = text;
    b.setAttribute('aria-label', label);
    b.addEventListener('click', onClick);
    return b;
  }

  function render(reg) {
    const versions = (reg.versions || []).slice().reverse();  // newest first
    const active = reg.active || 'shipped';
    const running = reg.running || 'shipped';
    let note = '.';
    if (reg.running_error) note = ' (the active version could not be loaded: ' + reg.running_error + ').';
    else if (running !== active) note = ' (it loads the active version within seconds).';
    $('running').textContent = 'Active version: ' + active + '. This server runs: ' + running + note;
    const rows = versions.slice(0, 8).reverse().map((v) => ({
      label: v.version, short: v.version.split('-').slice(1, 2).join('').slice(0, 13) || v.version,
      m: v.metrics || {},
    }));
    const shippedBaseline = (reg.versions || []).find((v) => v.baseline &&
      v.baseline.version === 'shipped');
    if (shippedBaseline) {
      rows.unshift({ label: 'shipped', short: 'shipped', m: shippedBaseline.baseline.metrics || {} });
    }
    const chartBox = $('chart-versions');
    chartBox.textContent = '';
    if (rows.length) chartBox.appendChild(chart(rows));
    else chartBox.textContent = 'No trained versions yet: run haven train.';

    const body = $('versions').querySelector('tbody');
    body.textContent = '';
    const shippedRow = document.createElement('tr');
    cell(shippedRow, 'shipped' + (active === 'shipped' ? ' (active)' : ''), true);
    cell(shippedRow, active === 'shipped' ? 'active' : 'available');
    const sm = shippedBaseline ? shippedBaseline.baseline.metrics : {};
    cell(shippedRow, figures(sm));
    cell(shippedRow, 'data/models');
    cell(shippedRow, '-');
    cell(shippedRow, '-');
    const shippedAction = cell(shippedRow, '');
    if (active !== 'shipped') {
      shippedAction.appendChild(button('Roll back', 'Roll back to shipped',
        () => change('rollback', 'shipped')));
    }
    for (const v of versions) {
      const tr = document.createElement('tr');
      tr.dataset.version = v.version;
      const name = cell(tr, v.version + (v.version === active ? ' (active)' : ''), true);
      name.appendChild(document.createElement('br'));
      const when = document.createElement('span');
      when.className = 'hint';
      when.textContent = 'trained ' + String(v.created_at || '').replace('T', ' ').replace('Z', '') +
        ' by ' + (v.created_by || '?');
      name.appendChild(when);
      cell(tr, STATUS[v.status] || v.status);
      cell(tr, figures(v.metrics || {}));
      const d = v.data || {};
      const m = v.metrics || {};
      cell(tr, (d.labels || 0) + ' labels' + (d.goemotions ? ', GoEmotions' : '') +
        (m.ordinary_cases ? '; ordinary text flagged ' + fixed(m.ordinary_flag_rate) :
          '; ordinary text not measured') +
        (m.emotion_cases ? '; emotions retrained (' + (d.emotion_labels || 0) +
          ' labels), macro-F1 ' + fixed(m.emotion_macro_f1) : '; emotions kept'));
      const gate = v.gate || {};
      cell(tr, gate.passed ? 'passed' : 'refused: ' + (gate.reasons || []).join('; '));
      cell(tr, v.approved_by ? v.approved_by + ', ' + v.approved_at : '-');
      const action = cell(tr, '');
      if (v.status === 'candidate') {
        action.appendChild(button('Approve', 'Approve ' + v.version,
          () => change('approve', v.version)));
      } else if (v.status === 'retired') {
        action.appendChild(button('Roll back', 'Roll back to ' + v.version,
          () => change('rollback', v.version)));
      }
      body.appendChild(tr);
    }
    body.appendChild(shippedRow);  // the oldest
    const events = $('events');
    events.textContent = '';
    for (const e of (reg.events || []).slice().reverse()) {
      const li = document.createElement('li');
      li.textContent = e.time + ': ' + e.by + ' ' + (e.action === 'approve' ? 'approved ' :
        'rolled back to ') + e.version + ' (was ' + e.from + ')';
      events.appendChild(li);
    }
    if (!events.children.length) {
      const li = document.createElement('li');
      li.textContent = 'No changes yet: the shipped models are active.';
      events.appendChild(li);
    }
    $('registry').hidden = false;
  }

  function failed(r, what) {
    const code = r.body && r.body.error;
    if (r.status === 401) {
      $('signin-needed').hidden = false;
      setStatus('Your sign-in has ended. Sign in again on the console.');
    } else if (r.status === 403) {
      $('signin-needed').hidden = false;
      $('signin-needed-text').textContent = 'The model registry is for admins only. Your ' +
        'attempt was recorded in the audit log.';
      setStatus('Not allowed.');
    } else if (r.status === 409 && r.body && r.body.detail) {
      setStatus(what + ': ' + r.body.detail + '.');
    } else if (r.status === 404) {
      setStatus(what + ': there is no such version, or this server keeps no registry.');
    } else {
      setStatus(what + ': the server could not answer (' + (code || r.status) + ').');
    }
  }

  async function load() {
    const r = await call('GET', '/api/admin/models');
    if (r.ok && r.body) {
      render(r.body);
      setStatus('');
      return;
    }
    failed(r, 'Could not load the registry');
  }

  if (!session || !session.token) {
    $('signin-needed').hidden = false;
    setStatus('Not signed in.');
  } else {
    load();
  }
})();
