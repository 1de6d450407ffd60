// Haven's chat page: consent first, then the WebSocket chat protocol v1 (docs/protocol.md).
// The session token lives in localStorage (never in a URL); reconnects resume with it and ask
// only for the messages after the last one shown.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const state = {
    ws: null,
    token: localStorage.getItem('haven.token'),
    lastSeq: 0,
    pending: new Map(),  // client id -> text, until acknowledged
    retry: 0,
  };

  // Crisis help: always in view, toggles the panel.
  $('crisis-button').addEventListener('click', () => {
    const panel = $('crisis-panel');
    panel.hidden = !panel.hidden;
    $('crisis-button').setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) panel.focus();
  });

  $('consent-box').addEventListener('change', (e) => { $('start').disabled = !e.target.checked; });
  $('start').addEventListener('click', () => {
    localStorage.setItem('haven.consent', 'v1');
    begin();
  });
  if (localStorage.getItem('haven.consent') === 'v1') begin();

  function begin() {
    $('consent').hidden = true;
    $('chat').hidden = false;
    $('text').focus();
    connect();
  }

  function setStatus(text) { $('status').textContent = text; }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(scheme + '//' + location.host + '/ws');
    state.ws = ws;
    ws.onopen = () => {
      state.retry = 0;
      const hello = { v: 1, type: 'hello', locale: navigator.language || 'en-US' };
      if (state.token) { hello.token = state.token; hello.last_seq = state.lastSeq; }
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      handle(frame);
    };
    ws.onclose = () => {
      state.ws = null;
      setStatus('Connection lost. Reconnecting…');
      const delay = Math.min(30000, 500 * Math.pow(2, state.retry++));
      setTimeout(connect, delay);
    };
  }

  function handle(f) {
    switch (f.type) {
      case 'welcome':
        if (f.token) {
          state.token = f.token;
          localStorage.setItem('haven.token', f.token);
        }
        if (f.recovery_phrase) {
          $('phrase-text').textContent = f.recovery_phrase;
          $('phrase').hidden = false;
        }
        for (const m of f.history) show(m.role, m.text, m.seq);
        setStatus(f.resumed ? 'Welcome back.' : 'Connected. Haven is an AI.');
        // Anything sent but never acknowledged goes again, with the same id.
        for (const [id, text] of state.pending) send(id, text);
        break;
      case 'ack':
        if (state.pending.has(f.id)) {
          show('user', state.pending.get(f.id), f.seq);
          state.pending.delete(f.id);
        }
        setStatus('Haven is writing…');
        break;
      case 'reply':
        show('assistant', f.text, f.seq);
        setStatus('');
        if (f.resources) showResources(f.resources);
        break;
      case 'error':
        if (f.code === 'auth_failed') {
          localStorage.removeItem('haven.token');
          state.token = null;
        }
        setStatus('Could not send: ' + f.code.replace(/_/g, ' ') + '.');
        break;
    }
  }

  function show(role, text, seq) {
    if (seq <= state.lastSeq) return;
    state.lastSeq = seq;
    const li = document.createElement('li');
    li.className = role === 'user' ? 'user' : 'assistant';
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = role === 'user' ? 'You' : 'Haven (AI)';
    li.appendChild(who);
    li.appendChild(document.createTextNode(text));  // text, never HTML
    $('log').appendChild(li);
    li.scrollIntoView({ block: 'end' });
  }

  function showResources(r) {
    const list = $('crisis-lines');
    list.textContent = '';
    for (const line of r.lines) {
      const li = document.createElement('li');
      const how = [line.call && 'call ' + line.call, line.text && 'text ' +
                   (line.text_keyword ? line.text_keyword + ' to ' : '') + line.text, line.url]
        .filter(Boolean).join(', ');
      li.textContent = line.name + ': ' + how + (line.hours ? ' (' + line.hours + ')' : '');
      list.appendChild(li);
    }
    $('crisis-panel').hidden = false;
    $('crisis-button').setAttribute('aria-expanded', 'true');
  }

  function send(id, text) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) {
      state.ws.send(JSON.stringify({ v: 1, type: 'message', id, text }));
    }
  }

  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('text').value.trim();
    if (!text) return;
    const id = 'm-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 8);
    state.pending.set(id, text);
    send(id, text);
    $('text').value = '';
  });
})();
