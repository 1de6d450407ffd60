// Haven's insights page for admins: the latest private insights release (GET /api/admin/insights,
// docs/insights.md) as SVG charts, lists and a table. The staff token comes from the console's
// sessionStorage entry of this tab (sign in on the console first); it travels only in the
// Authorization header, never in a URL. Text from the server is inserted as text, never as HTML.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const NAMES = {
    people: 'People active in the window',
    returning: 'People who came back on another day',
    active_days: 'Active days, all people together',
    rated: 'People who rated a reply',
    thumbs_up: 'Thumbs up',
    thumbs_down: 'Thumbs down',
    escalated: 'People escalated to a person',
    reached_human: 'People a person took over from the queue',
    minutes_to_human: 'Minutes to a person, all people together',
    phq9_pairs: 'People with two PHQ-9 results or more',
    phq9_improved: 'People whose PHQ-9 improved',
    phq9_change: 'PHQ-9 change, all people together',
    gad7_pairs: 'People with two GAD-7 results or more',
    gad7_improved: 'People whose GAD-7 improved',
    gad7_change: 'GAD-7 change, all people together',
    mood_pairs: 'People with two mood check-ins or more',
    mood_change: 'Mood change, all people together',
  };
  const REFUSED = {
    group_too_small: 'Not shown: too few people to show without risk to anyone',
    count_refused: 'Not shown: its group was too small',
    budget_exhausted: 'Not shown: the privacy budget of this release was spent',
  };

  let session = null;
  try { session = JSON.parse(sessionStorage.getItem('haven.staff') || 'null'); } catch (e) { /* none */ }

  function setStatus(text) { $('status').textContent = text; }

  function el(name, attrs, text) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function date(ms) {
    return new Date(ms).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  }

  function refusedText(code) {
    const key = String(code || '').split(':')[0];
    return REFUSED[key] || 'Not shown (' + key + ')';
  }

  // A bar chart: [{label, value}], values >= 0; a title and a description for screen readers.
  function barChart(id, title, desc, bars, max) {
    const W = 480, H = 200, left = 44, right = 12, top = 12, bottom = 28;
    const top_ = Math.max(1, max || Math.max(...bars.map((b) => b.value), 1));
    const svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'chart-svg', role: 'img',
      'aria-labelledby': id + '-t ' + id + '-d', focusable: 'false' });
    svg.appendChild(el('title', { id: id + '-t' }, title));
    svg.appendChild(el('desc', { id: id + '-d' }, desc));
    const y = (v) => top + (H - top - bottom) * (1 - Math.max(0, v) / top_);
    for (const t of [0, top_ / 2, top_]) {
      svg.appendChild(el('line', { x1: left - 4, x2: W - right, y1: y(t), y2: y(t), class: 'grid' }));
      svg.appendChild(el('text', { x: left - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' },
        Number.isInteger(t) ? String(t) : t.toFixed(1)));
    }
    const slot = (W - left - right) / bars.length;
    bars.forEach((b, i) => {
      const x = left + i * slot + slot * 0.15;
      svg.appendChild(el('rect', { x, y: y(b.value), width: slot * 0.7,
        height: Math.max(0, y(0) - y(b.value)), class: b.bad ? 'bar bar-bad' : 'bar' }));
      svg.appendChild(el('text', { x: x + slot * 0.35, y: H - 10, class: 'tick',
        'text-anchor': 'middle' }, b.label));
    });
    return svg;
  }

  function item(list, term, value, refused) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    if (refused) {
      dd.className = 'refused';
      dd.textContent = refusedText(refused);
    } else {
      dd.textContent = value;
    }
    list.append(dt, dd);
  }

  // A figure from the release: its noisy value, or the refusal.
  function fig(r, name) { return r.figures[name] || { refused: 'not_released' }; }
  function figureItem(list, r, name) {
    const f = fig(r, name);
    item(list, NAMES[name] || name, f.value === undefined ? '' : String(Math.max(0, f.value)),
      f.value === undefined ? f.refused : null);
  }
  function derivedItem(list, r, term, key, format, missing) {
    const v = r.derived[key];
    if (v === undefined) item(list, term, '', missing || 'count_refused');
    else item(list, term, format(v), null);
  }
  const percent = (v) => Math.round(v * 100) + '%';
  const signed = (v) => (v > 0 ? '+' : '') + v.toFixed(1) + ' points';

  function render(r) {
    const p = r.privacy;
    $('privacy-terms').textContent =
      'Window: ' + date(r.window.from) + ' to ' + date(r.window.to) + ' (' + r.window.weeks +
      ' weeks). Released ' + new Date(r.released_at).toLocaleString() + '. Privacy: epsilon ' +
      p.epsilon_spent + ' spent of ' + p.epsilon_budget + ' for this release; ' + p.period_spent +
      ' of ' + p.period_budget + ' over the last ' + p.period_days + ' days. Groups under ' +
      p.min_group_size + ' people are not shown. Mechanism: ' + p.mechanism + '.';

    // Engagement: the weekly active people, then the window's figures.
    const weekly = $('chart-weekly');
    weekly.textContent = '';
    if (r.weekly_active.weeks) {
      const weeks = r.weekly_active.weeks.map((w) => ({ label: date(w.from), value: Math.max(0, w.value) }));
      weekly.appendChild(barChart('weekly', 'People active each week',
        weeks.map((w) => 'week of ' + w.label + ': ' + w.value).join('; '), weeks));
    } else {
      const p2 = document.createElement('p');
      p2.className = 'hint';
      p2.textContent = 'People active each week: ' + refusedText(r.weekly_active.refused) + '.';
      weekly.appendChild(p2);
    }
    const eng = $('list-engagement');
    eng.textContent = '';
    figureItem(eng, r, 'people');
    derivedItem(eng, r, 'Came back on another day', 'returning_share', percent);
    derivedItem(eng, r, 'Active days per person', 'mean_active_days', (v) => v.toFixed(1));

    const sat = $('list-satisfaction');
    sat.textContent = '';
    figureItem(sat, r, 'rated');
    derivedItem(sat, r, 'Thumbs up, share of ratings', 'satisfaction', percent);
    const satChart = $('chart-satisfaction');
    satChart.textContent = '';
    if (r.derived.satisfaction !== undefined) {
      const up = Math.round(r.derived.satisfaction * 100);
      satChart.appendChild(barChart('satisfaction', 'Thumbs up and down, share of ratings',
        'thumbs up ' + up + '%, thumbs down ' + (100 - up) + '%',
        [{ label: 'up', value: up }, { label: 'down', value: 100 - up, bad: true }], 100));
    }

    const esc = $('list-escalation');
    esc.textContent = '';
    figureItem(esc, r, 'escalated');
    derivedItem(esc, r, 'Escalated, share of people', 'escalated_share', percent);
    figureItem(esc, r, 'reached_human');
    derivedItem(esc, r, 'Average minutes to a person', 'mean_minutes_to_human',
      (v) => Math.round(v) + ' minutes');

    const sym = $('list-symptoms');
    sym.textContent = '';
    figureItem(sym, r, 'phq9_pairs');
    derivedItem(sym, r, 'PHQ-9, average change', 'phq9_mean_change', signed);
    derivedItem(sym, r, 'PHQ-9, improved', 'phq9_improved_share', percent);
    figureItem(sym, r, 'gad7_pairs');
    derivedItem(sym, r, 'GAD-7, average change', 'gad7_mean_change', signed);
    derivedItem(sym, r, 'GAD-7, improved', 'gad7_improved_share', percent);
    figureItem(sym, r, 'mood_pairs');
    derivedItem(sym, r, 'Mood, average change', 'mood_mean_change', signed);
    const symChart = $('chart-symptoms');
    symChart.textContent = '';
    const improved = [['PHQ-9', 'phq9_improved_share'], ['GAD-7', 'gad7_improved_share']]
      .filter(([, k]) => r.derived[k] !== undefined)
      .map(([label, k]) => ({ label, value: Math.round(r.derived[k] * 100) }));
    if (improved.length) {
      symChart.appendChild(barChart('symptoms', 'People who improved, percent',
        improved.map((b) => b.label + ' ' + b.value + '%').join('; '), improved, 100));
    }

    const body = $('all-figures').querySelector('tbody');
    body.textContent = '';
    for (const [name, f] of Object.entries(r.figures)) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = NAMES[name] || name;
      const value = document.createElement('td');
      value.textContent = f.value === undefined ? refusedText(f.refused) : String(f.value);
      const eps = document.createElement('td');
      eps.textContent = f.epsilon;
      tr.append(th, value, eps);
      body.appendChild(tr);
    }
    $('figures').hidden = false;
    $('new-release').hidden = false;
  }

  async function load(fresh) {
    setStatus(fresh ? 'Drawing a new release\u2026' : 'Loading\u2026');
    let res;
    try {
      res = await fetch('/api/admin/insights' + (fresh ? '?fresh=1' : ''), {
        headers: { Authorization: 'Bearer ' + session.token },
        cache: 'no-store',
      });
    } catch (e) {
      setStatus('Could not reach the server. Try again in a moment.');
      return;
    }
    let body = null;
    try { body = await res.json(); } catch (e) { /* not JSON */ }
    if (res.ok && body) {
      render(body);
      setStatus(fresh ? 'A new release is shown.' : '');
      return;
    }
    const code = body && body.error;
    if (res.status === 401) {
      $('signin-needed').hidden = false;
      setStatus('Your sign-in has ended. Sign in again on the console.');
    } else if (res.status === 403) {
      $('signin-needed').hidden = false;
      $('signin-needed-text').textContent = 'Insights are for admins only. Your attempt was ' +
        'recorded in the audit log.';
      setStatus('Not allowed.');
    } else if (code === 'period_budget_exhausted') {
      setStatus('No new release: the privacy budget of the period is spent. The figures shown ' +
        'stay the latest.');
    } else {
      setStatus('The server could not answer (' + (code || res.status) + ').');
    }
  }

  $('fresh').addEventListener('click', () => load(true));
  if (!session || !session.token) {
    $('signin-needed').hidden = false;
    setStatus('Not signed in.');
  } else {
    load(false);
  }
})();
