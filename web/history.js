// Haven's "My check-ins" page: the person's mood, PHQ-9 and GAD-7 history as small line charts,
// each with a text summary and a data table (the accessible alternative), over the WebSocket chat
// protocol v1 (docs/protocol.md, `history.get`). It uses the session token the chat page keeps in
// localStorage (never a URL) and never creates an account itself. The charts are SVG built here
// with DOM calls: no library, no inline style (the server's CSP allows only files from 'self').
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const state = { ws: null, token: null, done: false, retry: 0 };
  try { state.token = localStorage.getItem('haven.token'); } catch (e) { /* private mode */ }

  const MOODS = ['', 'Very low', 'Low', 'Okay', 'Good', 'Very good'];
  const BAND_WORDS = {
    minimal: 'minimal', mild: 'mild', moderate: 'moderate',
    moderately_severe: 'moderately severe', severe: 'severe',
  };
  // The published bands (reply/screening.h): [id, lowest, highest].
  const INSTRUMENTS = {
    mood: { name: 'Mood', min: 1, max: 5, bands: [] },
    phq9: {
      name: 'PHQ-9', min: 0, max: 27,
      bands: [['minimal', 0, 4], ['mild', 5, 9], ['moderate', 10, 14],
        ['moderately_severe', 15, 19], ['severe', 20, 27]],
    },
    gad7: {
      name: 'GAD-7', min: 0, max: 21,
      bands: [['minimal', 0, 4], ['mild', 5, 9], ['moderate', 10, 14], ['severe', 15, 21]],
    },
  };

  function setStatus(text) { $('status').textContent = text; }

  if (!state.token) {
    setStatus('');
    $('none').hidden = false;
    return;
  }

  function when(ms) {
    const d = new Date(ms);
    return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' }) +
      ', ' + d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  }
  function day(ms) {
    return new Date(ms).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  }
  function valueWords(kind, c) {
    if (kind === 'mood') return MOODS[c.score] || String(c.score);
    return String(c.score) + ' (' + (BAND_WORDS[c.severity] || c.severity) + ')';
  }

  function el(name, attrs, text) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // One line chart: the bands (questionnaires) or the five moods as the y axis, the results in
  // date order, evenly spaced. Only scored results are drawn; the table lists every result.
  function chart(kind, points, titleId, descId) {
    const spec = INSTRUMENTS[kind];
    const W = 360, H = 220, left = kind === 'mood' ? 78 : 40, right = 12, top = 12, bottom = 28;
    const y = (v) => top + (spec.max - v) / (spec.max - spec.min) * (H - top - bottom);
    const x = (i) => points.length === 1 ? (left + W - right) / 2
      : left + i * (W - left - right) / (points.length - 1);
    const svg = el('svg', {
      viewBox: '0 0 ' + W + ' ' + H, class: 'chart-svg', role: 'img',
      'aria-labelledby': titleId + ' ' + descId, focusable: 'false',
    });
    svg.appendChild(el('title', { id: titleId }, spec.name + ' chart'));
    for (const [band, lo, hi] of spec.bands) {
      const y0 = y(Math.min(spec.max, hi + 0.5)), y1 = y(Math.max(spec.min, lo - 0.5));
      svg.appendChild(el('rect', {
        x: left, y: y0, width: W - left - right, height: y1 - y0, class: 'band band-' + band,
      }));
      svg.appendChild(el('text', { x: left + 4, y: y0 + 13, class: 'band-label' },
        BAND_WORDS[band] + ' ' + lo + '\u2013' + hi));
    }
    // The y axis: the band edges, or the moods.
    const ticks = kind === 'mood' ? [1, 2, 3, 4, 5] : [0, ...spec.bands.map((b) => b[2])];
    for (const t of ticks) {
      svg.appendChild(el('line', { x1: left - 4, x2: W - right, y1: y(t), y2: y(t), class: 'grid' }));
      svg.appendChild(el('text', { x: left - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' },
        kind === 'mood' ? MOODS[t] : String(t)));
    }
    if (points.length) {
      const path = points.map((p, i) => x(i).toFixed(1) + ',' + y(p.score).toFixed(1)).join(' ');
      if (points.length > 1) svg.appendChild(el('polyline', { points: path, class: 'line' }));
      points.forEach((p, i) => svg.appendChild(el('circle', {
        cx: x(i).toFixed(1), cy: y(p.score).toFixed(1), r: 4.5, class: 'point' })));
      svg.appendChild(el('text', { x: x(0), y: H - 8, class: 'tick',
        'text-anchor': points.length === 1 ? 'middle' : 'start' }, day(points[0].time)));
      if (points.length > 1) {
        svg.appendChild(el('text', { x: x(points.length - 1), y: H - 8, class: 'tick',
          'text-anchor': 'end' }, day(points[points.length - 1].time)));
      }
    }
    return svg;
  }

  function summary(kind, all, points) {
    const spec = INSTRUMENTS[kind];
    if (!all.length) return 'No ' + (kind === 'mood' ? 'mood check-ins' : spec.name + ' results') + ' yet.';
    const parts = [];
    if (points.length) {
      const first = points[0], last = points[points.length - 1];
      parts.push(points.length + (points.length === 1 ? ' result' : ' results') + ' from ' +
        day(first.time) + (points.length > 1 ? ' to ' + day(last.time) : '') + '.');
      parts.push('Latest: ' + valueWords(kind, last) + '.');
      if (points.length > 1) parts.push('First: ' + valueWords(kind, first) + '.');
    }
    const unfinished = all.length - points.length;
    if (unfinished) {
      parts.push(unfinished + (unfinished === 1 ? ' questionnaire was' : ' questionnaires were') +
        ' not finished and has no score.');
    }
    return parts.join(' ');
  }

  function table(kind, all) {
    const t = document.createElement('table');
    const cap = document.createElement('caption');
    cap.textContent = INSTRUMENTS[kind].name + (kind === 'mood' ? ' check-ins' : ' results') +
      ', oldest first';
    t.appendChild(cap);
    const head = t.createTHead().insertRow();
    for (const h of kind === 'mood' ? ['Date', 'Mood'] : ['Date', 'Score', 'Severity']) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = h;
      head.appendChild(th);
    }
    const body = t.createTBody();
    for (const c of all) {
      const row = body.insertRow();
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = when(c.time);
      row.appendChild(th);
      if (kind === 'mood') {
        row.insertCell().textContent = MOODS[c.score] + ' (' + c.score + ' of 5)';
      } else if (c.completed && c.score !== null) {
        row.insertCell().textContent = c.score + ' of ' + INSTRUMENTS[kind].max;
        row.insertCell().textContent = BAND_WORDS[c.severity] || c.severity;
      } else {
        row.insertCell().textContent = 'not finished';
        row.insertCell().textContent = '\u2014';
      }
    }
    return t;
  }

  function render(list) {
    for (const kind of Object.keys(INSTRUMENTS)) {
      const all = list.filter((c) => c.instrument === kind && (kind !== 'mood' || c.score));
      const points = all.filter((c) => c.completed && typeof c.score === 'number');
      const box = $('chart-' + kind);
      box.textContent = '';
      const descId = kind + '-summary';
      const p = document.createElement('p');
      p.id = descId;
      p.className = 'summary';
      p.textContent = summary(kind, all, points);
      if (points.length) box.appendChild(chart(kind, points, kind + '-chart-title', descId));
      box.appendChild(p);
      if (all.length) {
        const wrap = document.createElement('div');
        wrap.className = 'table-wrap';
        wrap.appendChild(table(kind, all));
        box.appendChild(wrap);
      }
    }
    $('charts').hidden = false;
    setStatus(list.length ? '' : 'No check-ins yet.');
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(scheme + '//' + location.host + '/ws');
    state.ws = ws;
    ws.onopen = () => {
      state.retry = 0;
      // Resume the chat page's session; a huge last_seq asks for no message history.
      ws.send(JSON.stringify({ v: 1, type: 'hello', token: state.token,
        last_seq: Number.MAX_SAFE_INTEGER }));
    };
    ws.onmessage = (event) => {
      let f;
      try { f = JSON.parse(event.data); } catch (e) { return; }
      if (f.type === 'welcome') {
        ws.send(JSON.stringify({ v: 1, type: 'history.get' }));
      } else if (f.type === 'history') {
        render(f.screenings || []);
        state.done = true;  // everything is here: the connection is no longer needed
        ws.close();
      } else if (f.type === 'bye') {
        state.done = true;
        setStatus('Your session has ended.');
      } else if (f.type === 'error') {
        if (f.code === 'auth_failed') {
          state.done = true;
          try { localStorage.removeItem('haven.token'); } catch (e) { /* nothing to remove */ }
          $('charts').hidden = true;
          $('none').hidden = false;
          setStatus('Your session has ended.');
        } else {
          setStatus('Could not load your check-ins (' + String(f.code).replace(/_/g, ' ') + ').');
        }
      }
    };
    ws.onclose = () => {
      state.ws = null;
      if (state.done) return;
      setStatus('Connection lost. Reconnecting\u2026');
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, state.retry++)));
    };
  }

  connect();
})();
