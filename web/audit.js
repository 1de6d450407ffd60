// Haven's audit page for admins: the periodic audit report (GET /api/admin/report), the
// fairness of the risk reading across varieties of English (GET /api/admin/fairness) and the
// learner's offline evaluation (GET /api/admin/learning), as tables and SVG charts with text
// equivalents. The staff token comes from the console's sessionStorage entry of this tab and
// travels only in the Authorization header. Server text is inserted as text, never as HTML.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const VERDICT = { ok: 'ok', warn: 'look at it', fail: 'act now' };
  const LEVELS = ['none', 'low', 'moderate', 'high', 'imminent'];

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
  const fixed = (v) => (typeof v === 'number' ? v.toFixed(2) : '-');
  const ratio = (hit, of) => (of ? (hit / of).toFixed(2) + ' (' + hit + '/' + of + ')' : '-');

  // Grouped bars: groups [{label, values: [v...]}], series [{name, cls}], values in [0, max].
  function grouped(id, title, groups, series, max) {
    const W = 560, H = 230, left = 40, right = 12, top = 12, bottom = 46;
    const s = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'chart-svg', role: 'img',
      'aria-labelledby': id + '-t ' + id + '-d', focusable: 'false' });
    s.appendChild(svg('title', { id: id + '-t' }, title));
    s.appendChild(svg('desc', { id: id + '-d' }, groups.map((g) => g.label + ': ' +
      series.map((sr, k) => sr.name + ' ' + fixed(g.values[k])).join(', ')).join('; ')));
    const top_ = max || Math.max(1, ...groups.flatMap((g) => g.values));
    const y = (v) => top + (H - top - bottom) * (1 - Math.max(0, Math.min(top_, v || 0)) / top_);
    for (const t of [0, top_ / 2, top_]) {
      s.appendChild(svg('line', { x1: left - 4, x2: W - right, y1: y(t), y2: y(t), class: 'grid' }));
      s.appendChild(svg('text', { x: left - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' },
        Number.isInteger(t) ? String(t) : t.toFixed(2)));
    }
    const slot = (W - left - right) / Math.max(1, groups.length);
    groups.forEach((g, i) => {
      const w = slot * 0.8 / series.length;
      series.forEach((sr, k) => {
        const x = left + i * slot + slot * 0.1 + k * w;
        s.appendChild(svg('rect', { x, y: y(g.values[k]), width: w * 0.9,
          height: Math.max(0, y(0) - y(g.values[k])), class: sr.cls }));
      });
      s.appendChild(svg('text', { x: left + i * slot + slot / 2, y: H - 28, class: 'tick',
        'text-anchor': 'middle' }, g.label));
    });
    series.forEach((sr, k) => {
      const x = left + k * 160;
      s.appendChild(svg('rect', { x, y: H - 12, width: 10, height: 10, class: sr.cls }));
      s.appendChild(svg('text', { x: x + 14, y: H - 3, class: 'tick' }, sr.name));
    });
    return s;
  }

  function renderReport(r) {
    const counts = { ok: 0, warn: 0, fail: 0 };
    const body = $('checks').querySelector('tbody');
    body.textContent = '';
    for (const c of r.checks || []) {
      counts[c.verdict] = (counts[c.verdict] || 0) + 1;
      const tr = document.createElement('tr');
      cell(tr, c.area);
      cell(tr, c.check, true);
      const v = cell(tr, VERDICT[c.verdict] || c.verdict);
      v.className = 'verdict verdict-' + c.verdict;
      cell(tr, c.detail);
      body.appendChild(tr);
    }
    $('report-summary').textContent = 'Generated ' + r.generated + ' over the last ' + r.days +
      ' days: ' + counts.fail + ' to act on now, ' + counts.warn + ' to look at, ' + counts.ok +
      ' ok.';
    $('report').hidden = false;

    const drift = r.details && r.details.models && r.details.models.drift;
    if (drift) {
      const groups = LEVELS.map((name, i) => ({ label: name,
        values: [drift.before[i] || 0, drift.now[i] || 0] }));
      const box = $('chart-drift');
      box.textContent = '';
      box.appendChild(grouped('drift-chart', 'Messages read at each risk level, the period ' +
        'before and this one', groups, [{ name: 'period before', cls: 'bar bar-urgent' },
        { name: 'this period', cls: 'bar' }]));
      $('drift-text').textContent = 'Population stability index: ' + fixed(drift.psi) +
        '. Read at moderate or above: ' + Math.round((drift.moderate_or_above_before || 0) * 100) +
        '% before, ' + Math.round((drift.moderate_or_above_now || 0) * 100) + '% now.';
      $('drift').hidden = false;
    }
  }

  function renderFairness(f) {
    const rows = [f.overall, ...(f.varieties || [])];
    const box = $('chart-fairness');
    box.textContent = '';
    box.appendChild(grouped('fairness-chart', 'Risk recall, urgent recall and false alarms by ' +
      'variety of English', rows.map((v) => ({ label: v.variety || 'overall',
      values: [v.recall, v.urgent_recall, v.false_alarm_rate] })),
    [{ name: 'at-risk recall', cls: 'bar' }, { name: 'urgent recall', cls: 'bar bar-urgent' },
      { name: 'false alarms', cls: 'bar bar-bad' }], 1));
    const body = $('varieties').querySelector('tbody');
    body.textContent = '';
    for (const v of rows) {
      const tr = document.createElement('tr');
      cell(tr, v === f.overall ? 'overall' : v.variety, true);
      cell(tr, String(v.cases));
      cell(tr, ratio(v.at_risk_caught, v.at_risk));
      cell(tr, ratio(v.urgent_caught, v.urgent));
      cell(tr, ratio(v.false_alarms, v.none));
      cell(tr, (v.gaps || []).length ? 'gap: ' + v.gaps.join('; ') :
        ((v.unjudged || []).length === 3 ? 'too few to judge' : 'ok'));
      body.appendChild(tr);
    }
    $('fairness').hidden = false;
  }

  function renderLearning(l) {
    const list = $('learning-figures');
    list.textContent = '';
    const item = (term, value) => {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      list.append(dt, dd);
    };
    item('Choices logged', String(l.choices));
    item('Choices rated', String(l.rated));
    item('Logged mean reward', l.rated ? fixed(l.logged_mean_reward) : '-');
    item('Recommendation', String(l.recommendation || '').replace(/_/g, ' ') +
      (l.reason ? ' (' + l.reason + ')' : ''));
    const box = $('chart-learning');
    box.textContent = '';
    if (l.rated && (l.estimates || []).length) {
      box.appendChild(grouped('learning-chart', 'Estimated mean reward of each way of choosing',
        l.estimates.map((e) => ({ label: e.policy, values: [e.snips, e.ci95[0], e.ci95[1]] })),
        [{ name: 'estimate (SNIPS)', cls: 'bar' }, { name: 'interval low', cls: 'bar bar-urgent' },
          { name: 'interval high', cls: 'bar bar-urgent' }], 1));
    } else {
      const p = document.createElement('p');
      p.className = 'hint';
      p.textContent = 'No rated choices yet: nothing to estimate.';
      box.appendChild(p);
    }
    $('learning').hidden = false;
  }

  async function get(path) {
    let res;
    try {
      res = await fetch(path, { headers: { Authorization: 'Bearer ' + session.token }, cache: 'no-store' });
    } catch (e) {
      return { ok: false, status: 0, body: null };
    }
    let body = null;
    try { body = await res.json(); } catch (e) { /* not JSON */ }
    return { ok: res.ok, status: res.status, body };
  }

  async function load() {
    const report = await get('/api/admin/report');
    if (report.status === 401 || report.status === 403) {
      $('signin-needed').hidden = false;
      if (report.status === 403) {
        $('signin-needed-text').textContent = 'The audit is for admins only. Your attempt was ' +
          'recorded in the audit log.';
      }
      setStatus(report.status === 403 ? 'Not allowed.' : 'Your sign-in has ended. Sign in ' +
        'again on the console.');
      return;
    }
    const problems = [];
    if (report.ok && report.body) renderReport(report.body);
    else problems.push('the report');
    const [fairness, learning] = await Promise.all([get('/api/admin/fairness'),
      get('/api/admin/learning')]);
    if (fairness.ok && fairness.body) renderFairness(fairness.body);
    else if (fairness.status === 409) problems.push('fairness (no safety set on this server)');
    else problems.push('fairness');
    if (learning.ok && learning.body) renderLearning(learning.body);
    else problems.push('learning');
    setStatus(problems.length ? 'Not shown: ' + problems.join(', ') + '.' : '');
  }

  if (!session || !session.token) {
    $('signin-needed').hidden = false;
    setStatus('Not signed in.');
  } else {
    load();
  }
})();
