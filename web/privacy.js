// Haven's privacy center: what is stored, consent switches, retention, export, erasure, over the
// WebSocket chat protocol v1 (docs/protocol.md, "The privacy center"). It uses the session token
// the chat page keeps in localStorage (never a URL) and never creates an account itself.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const KINDS = ['keep_history', 'deidentified_use', 'analytics'];
  const LABELS = {
    keep_history: 'Keep my conversation history',
    deidentified_use: 'De-identified use',
    analytics: 'Usage analytics',
  };
  const state = { ws: null, token: localStorage.getItem('haven.token'), done: false, retry: 0 };

  function setStatus(text) { $('status').textContent = text; }

  if (!state.token) {
    setStatus('');
    $('none').hidden = false;
    return;
  }

  function send(frame) {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) {
      setStatus('Not connected. Trying again…');
      return false;
    }
    state.ws.send(JSON.stringify(Object.assign({ v: 1 }, frame)));
    return true;
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(scheme + '//' + location.host + '/ws');
    state.ws = ws;
    ws.onopen = () => {
      state.retry = 0;
      // Resume the chat page's session; a huge last_seq asks for no history.
      ws.send(JSON.stringify({ v: 1, type: 'hello', token: state.token,
                               last_seq: Number.MAX_SAFE_INTEGER }));
    };
    ws.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      handle(frame);
    };
    ws.onclose = () => {
      state.ws = null;
      if (state.done) return;
      setStatus('Connection lost. Reconnecting…');
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, state.retry++)));
    };
  }

  function handle(f) {
    switch (f.type) {
      case 'welcome':
        send({ type: 'privacy.get' });
        break;
      case 'privacy':
        show(f);
        break;
      case 'export':
        download(f.data);
        setStatus('Your data is downloaded.');
        break;
      case 'erased':
      case 'bye':
        if (f.type === 'erased' || f.reason === 'account erased') erased();
        break;
      case 'error':
        if (f.code === 'auth_failed') {
          state.done = true;
          localStorage.removeItem('haven.token');
          $('center').hidden = true;
          $('none').hidden = false;
          setStatus('Your session has ended.');
        } else if (f.code === 'rate_limited') {
          setStatus('Too many changes at once. Wait a moment and try again.');
        } else {
          setStatus('That did not work (' + f.code.replace(/_/g, ' ') + ').');
        }
        break;
    }
  }

  let firstShow = true;
  function show(p) {
    $('center').hidden = false;
    $('stored-account').textContent = p.account;
    $('stored-created').textContent = new Date(p.created_at).toLocaleDateString();
    for (const k of ['conversations', 'messages', 'screenings', 'notes', 'feedback']) {
      $('stored-' + k).textContent = String(p.stored[k]);
    }
    for (const kind of KINDS) {
      $('consent-' + kind).checked = !!(p.consents[kind] && p.consents[kind].granted);
    }
    const r = p.retention;
    $('retention-days').max = String(r.max_days);
    $('retention-days').value = String(r.days);
    $('retention-help').textContent = r.default
      ? 'Now: the default, ' + r.default_days + ' days.'
      : 'Now: ' + r.days + ' days (the default is ' + r.default_days + ').';
    if (firstShow) {
      setStatus('');
      firstShow = false;
    }
  }

  for (const kind of KINDS) {
    $('consent-' + kind).addEventListener('change', (e) => {
      const granted = e.target.checked;
      if (send({ type: 'consent.set', kind, granted })) {
        setStatus(LABELS[kind] + ': ' + (granted ? 'on' : 'off') + '. Saved.');
      }
    });
  }

  $('retention-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const days = parseInt($('retention-days').value, 10);
    if (!Number.isInteger(days) || days < 1) {
      setStatus('Please enter a whole number of days, at least 1.');
      $('retention-days').focus();
      return;
    }
    if (send({ type: 'retention.set', days })) {
      setStatus('Messages older than ' + days + ' days will be deleted. Saved.');
    }
  });
  $('retention-default').addEventListener('click', () => {
    if (send({ type: 'retention.set', days: 0 })) setStatus('Back to the default. Saved.');
  });

  $('export').addEventListener('click', () => {
    if (send({ type: 'export' })) setStatus('Preparing your data…');
  });

  function download(data) {
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = 'haven-export-' + new Date().toISOString().slice(0, 10) + '.json';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  $('erase').addEventListener('click', () => {
    $('erase-confirm').hidden = false;
    $('erase').setAttribute('aria-expanded', 'true');
    $('erase-confirm').focus();
  });
  $('erase-no').addEventListener('click', () => {
    $('erase-confirm').hidden = true;
    $('erase').setAttribute('aria-expanded', 'false');
    $('erase').focus();
    setStatus('Nothing was erased.');
  });
  $('erase-yes').addEventListener('click', () => {
    if (send({ type: 'erase', confirm: 'erase everything' })) setStatus('Erasing…');
  });

  function erased() {
    state.done = true;
    localStorage.removeItem('haven.token');
    localStorage.removeItem('haven.consent');
    $('center').hidden = true;
    $('gone').hidden = false;
    $('gone').focus();
    setStatus('Everything is erased.');
  }

  connect();
})();
