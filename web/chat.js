// Haven's chat page: consent first, then the WebSocket chat protocol v1 (docs/protocol.md).
// The session token lives in localStorage (never in a URL); reconnects resume with it and ask
// only for the messages after the last one shown. A message is shown at once as "Sending…" and
// confirmed by its ack; unacknowledged messages are sent again with the same id after a
// reconnect, so nothing is lost or shown twice. Text is always inserted as text, never as HTML.
// When a person from the team takes the conversation over (staff.joined), their messages are
// shown under their name, the person's own messages are acknowledged and Haven stays silent
// until they hand back (staff.left).
// Each of Haven's replies can be rated (thumbs up or down, and after a thumbs down an optional
// "what would have helped"); ratings are kept only when the person allows de-identified use, and
// the page asks for that consent the first time, at the rating, never before.
'use strict';

(function () {
  // BEGIN crisis resources: a copy of data/crisis/resources.json, so that the crisis panel shows
  // the lines for the browser's locale before any reply (tests/e2e/resources.test.js keeps the
  // two equal). A crisis reply's own resources, chosen by the server, replace them.
  const CRISIS = {"version":1,"reviewed":"2025-01","aliases":{"UK":"GB"},"regions":{"US":{"country":"United States","emergency":["911"],"lines":[{"id":"us-988","name":"988 Suicide & Crisis Lifeline","call":"988","text":"988","url":"https://988lifeline.org","hours":"24/7"},{"id":"us-ctl","name":"Crisis Text Line","text":"741741","text_keyword":"HOME","url":"https://www.crisistextline.org","hours":"24/7"}]},"CA":{"country":"Canada","emergency":["911"],"lines":[{"id":"ca-988","name":"9-8-8 Suicide Crisis Helpline","call":"988","text":"988","url":"https://988.ca","hours":"24/7"},{"id":"ca-khp","name":"Kids Help Phone (Crisis Text Line in Canada)","call":"1-800-668-6868","text":"686868","text_keyword":"CONNECT","url":"https://kidshelpphone.ca","hours":"24/7"}]},"GB":{"country":"United Kingdom","emergency":["999","112"],"lines":[{"id":"gb-samaritans","name":"Samaritans","call":"116 123","url":"https://www.samaritans.org","hours":"24/7, free"},{"id":"gb-shout","name":"Shout","text":"85258","text_keyword":"SHOUT","url":"https://giveusashout.org","hours":"24/7"}]},"IE":{"country":"Ireland","emergency":["112","999"],"lines":[{"id":"ie-samaritans","name":"Samaritans","call":"116 123","url":"https://www.samaritans.org","hours":"24/7, free"},{"id":"ie-50808","name":"50808","text":"50808","text_keyword":"HELLO","hours":"24/7"}]},"AU":{"country":"Australia","emergency":["000"],"lines":[{"id":"au-lifeline","name":"Lifeline","call":"13 11 14","text":"0477 13 11 14","url":"https://www.lifeline.org.au","hours":"24/7"},{"id":"au-scbs","name":"Suicide Call Back Service","call":"1300 659 467","url":"https://www.suicidecallbackservice.org.au","hours":"24/7"}]},"IN":{"country":"India","emergency":["112"],"lines":[{"id":"in-telemanas","name":"Tele-MANAS","call":"14416","url":"https://telemanas.mohfw.gov.in","hours":"24/7, free","note":"also 1-800-891-4416"}]},"NZ":{"country":"New Zealand","emergency":["111"],"lines":[{"id":"nz-1737","name":"1737, Need to talk?","call":"1737","text":"1737","url":"https://1737.org.nz","hours":"24/7, free"},{"id":"nz-lifeline","name":"Lifeline Aotearoa","call":"0800 543 354","url":"https://www.lifeline.org.nz","hours":"24/7"}]}},"fallback":{"country":"","emergency":[],"lines":[{"id":"findahelpline","name":"Find A Helpline","url":"https://findahelpline.com","note":"free helplines by country"}]}};
  // END crisis resources

  const $ = (id) => document.getElementById(id);
  const MAX_BYTES = 4000;  // the server's cap on a message's text (docs/protocol.md)
  // The browser's language picks the crisis lines; the server takes a BCP-47 tag of 35 at most.
  const locale = /^[A-Za-z0-9-]{2,35}$/.test(navigator.language || '') ? navigator.language : 'en-US';
  const store = {
    get(k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode: this tab only */ } },
    remove(k) { try { localStorage.removeItem(k); } catch (e) { /* nothing to remove */ } },
  };
  const state = {
    ws: null,
    ready: false,       // welcome received on the current socket
    stopped: false,     // the session ended; wait for the person to start again
    started: false,
    token: store.get('haven.token'),
    lastSeq: 0,         // the last committed message shown
    pending: new Map(), // client id -> {text, li}, until acknowledged
    mood: null,         // a mood check-in not yet confirmed: {id, value, label, sent}
    staff: null,        // the username of the person from the team who is in, or null
    human: null,        // 'wanted' (human.request not yet sent) or 'sent' (not yet answered)
    ratings: [],        // feedback frames to send, oldest first: {seq, rating, comment, sent}
    asking: false,      // the consent question for ratings is open (the head of ratings waits)
    retry: 0,
    timer: null,
  };

  // ---- Crisis help: always in view (sticky header); lines for the locale -------------------

  function regionOfLocale(tag) {
    // Like the server's RegionOfLocale: the first subtag after the language that is two letters
    // or three digits; a singleton ("x", "u") ends the search.
    const parts = String(tag).split(/[-_]/);
    if (parts.length < 2 || !/^[A-Za-z]{2,8}$/.test(parts[0])) return '';
    for (const p of parts.slice(1)) {
      if (p.length <= 1) return '';
      if (/^[A-Za-z]{2}$/.test(p)) return p.toUpperCase();
      if (/^[0-9]{3}$/.test(p)) return p;
    }
    return '';
  }

  function resourcesFor(tag) {
    let region = regionOfLocale(tag);
    region = (CRISIS.aliases && CRISIS.aliases[region]) || region;
    return CRISIS.regions[region] || CRISIS.fallback;
  }

  function link(href, text) {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    if (/^https?:/.test(href)) a.rel = 'noreferrer';
    return a;
  }

  // One crisis line as a list item: its name, then how to reach it, each a link.
  function lineItem(line) {
    const li = document.createElement('li');
    const name = document.createElement('strong');
    name.textContent = line.name;
    li.appendChild(name);
    const ways = [];
    if (line.call) ways.push(['call ', link('tel:' + line.call.replace(/[^0-9+]/g, ''), line.call)]);
    if (line.text) {
      ways.push(['text ' + (line.text_keyword ? line.text_keyword + ' to ' : ''),
        link('sms:' + line.text.replace(/[^0-9+]/g, ''), line.text)]);
    }
    if (line.url) ways.push(['', link(line.url, line.url.replace(/^https?:\/\/(www\.)?/, ''))]);
    ways.forEach(([label, a], i) => {
      li.appendChild(document.createTextNode((i ? ', ' : ': ') + label));
      li.appendChild(a);
    });
    const extra = [line.hours, line.note].filter(Boolean).join('; ');
    if (extra) li.appendChild(document.createTextNode(' (' + extra + ')'));
    return li;
  }

  function emergencyText(emergency) {
    const numbers = [].concat(emergency || []).filter(Boolean);
    return numbers.length
      ? 'If you are in immediate danger, call ' + numbers.join(' or ') + '.'
      : 'If you are in immediate danger, call your local emergency number.';
  }

  function renderResources(r, where) {
    $('crisis-emergency').textContent = emergencyText(r.emergency);
    $('crisis-where').textContent = where || '';
    const list = $('crisis-lines');
    list.textContent = '';
    for (const line of r.lines || []) list.appendChild(lineItem(line));
  }

  function openCrisis(open, focus) {
    const panel = $('crisis-panel');
    panel.hidden = !open;
    $('crisis-button').setAttribute('aria-expanded', String(open));
    if (open && focus) panel.focus();
  }

  {
    const r = resourcesFor(locale);
    renderResources(r, r.country
      ? 'Lines for ' + r.country + ' (from your browser\u2019s language settings):'
      : 'Free helplines in your country:');
  }
  $('crisis-button').addEventListener('click', () => openCrisis($('crisis-panel').hidden, true));
  $('crisis-close').addEventListener('click', () => {
    openCrisis(false);
    $('crisis-button').focus();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('crisis-panel').hidden &&
        $('crisis-panel').contains(document.activeElement)) {
      openCrisis(false);
      $('crisis-button').focus();
    }
  });

  // ---- Consent before the first message ----------------------------------------------------

  $('consent-box').addEventListener('change', (e) => { $('start').disabled = !e.target.checked; });
  $('start').addEventListener('click', () => {
    store.set('haven.consent', 'v1');
    begin();
  });
  if (store.get('haven.consent') === 'v1') begin();

  function begin() {
    state.started = true;
    $('consent').hidden = true;
    $('chat').hidden = false;
    $('text').focus();
    connect();
  }

  function setStatus(text) { $('status').textContent = text; }

  function setTyping(on) {
    $('typing').textContent = on ? 'Haven is writing\u2026' : '';
    $('typing').classList.toggle('on', on);
  }

  // ---- The connection: hello, resume, reconnect with backoff -------------------------------

  function connect() {
    clearTimeout(state.timer);
    state.timer = null;
    if (state.ws || state.stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(scheme + '//' + location.host + '/ws');
    state.ws = ws;
    ws.onopen = () => {
      const hello = { v: 1, type: 'hello', locale };
      if (state.token) { hello.token = state.token; hello.last_seq = state.lastSeq; }
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (state.ws === ws) handle(frame);
    };
    ws.onclose = () => {
      if (state.ws !== ws) return;
      state.ws = null;
      state.ready = false;
      setTyping(false);
      if (state.mood) state.mood.sent = false;  // sent again with the same id: stored once
      if (state.human === 'sent') state.human = 'wanted';
      if (state.stopped) return;
      setStatus('Connection lost. Reconnecting\u2026 Your messages are kept and sent when it is back.');
      const delay = Math.min(10000, 500 * Math.pow(2, state.retry++));
      state.timer = setTimeout(connect, delay * (0.75 + Math.random() / 2));
    };
  }

  function reconnectNow() {
    if (state.started && !state.ws && !state.stopped) {
      state.retry = 0;
      connect();
    }
  }
  window.addEventListener('online', reconnectNow);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') reconnectNow();
  });

  function sendFrame(frame) {
    if (state.ws && state.ready && state.ws.readyState === WebSocket.OPEN) {
      state.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function handle(f) {
    switch (f.type) {
      case 'welcome': {
        state.ready = true;
        state.retry = 0;
        if (f.token) {
          state.token = f.token;
          store.set('haven.token', f.token);
        }
        if (f.recovery_phrase) {
          $('phrase-text').textContent = f.recovery_phrase;
          $('phrase').hidden = false;
        }
        const log = $('log');
        log.setAttribute('aria-busy', 'true');  // one announcement for the whole history
        for (const m of f.history || []) {
          if (m.role === 'user' && m.id && state.pending.has(m.id)) confirmPending(m.id, m.seq);
          else addMessage(m.role, m.text, m.seq, null, m.name || m.author);
        }
        log.setAttribute('aria-busy', 'false');
        setStatus(f.resumed ? 'Welcome back. Haven is an AI.' : 'Connected. Haven is an AI.');
        if (f.staff) {  // a person from the team is still in (a resume)
          setStaff(typeof f.staff === 'string' ? f.staff : f.staff.name || f.staff.username);
        }
        if (!f.resumed && !(f.history || []).length) showMood(true, false);
        // Anything sent but never acknowledged goes again, with the same id.
        if (state.mood && !state.mood.sent) {
          const m = state.mood;
          if (sendFrame({ v: 1, type: 'mood', id: m.id, value: m.value })) m.sent = true;
        }
        for (const [id, p] of state.pending) sendFrame({ v: 1, type: 'message', id, text: p.text });
        if (state.human === 'wanted') requestHuman();
        if (state.ratings.length) state.ratings[0].sent = false;
        sendRating();
        break;
      }
      case 'ack':
        if (state.pending.has(f.id)) confirmPending(f.id, f.seq);
        // While a person from the team is in, Haven does not answer: nobody "writes" yet.
        if (!f.duplicate && state.staff === null) setTyping(true);
        break;
      case 'staff.joined':
        setStaff(String(f.name || ''));
        staffLine(staffName() + ' from the team has joined', f.seq);
        break;
      case 'staff.message':
        addMessage('staff', f.text, f.seq, null, f.name || state.staff);
        break;
      case 'staff.left': {
        const name = f.name ? String(f.name) : staffName();
        setStaff(null);
        staffLine(name + ' has handed you back to Haven, the AI assistant', f.seq);
        break;
      }
      case 'queue.position':
        state.human = null;
        if (state.staff === null && Number.isInteger(f.position) && f.position > 0) {
          $('queue-position').textContent =
            'You are number ' + f.position + ' in the queue for a person';
        }
        break;
      case 'reply':
        setTyping(false);
        addMessage('assistant', f.text, f.seq, f.resources);
        if (f.resources) {
          renderResources(f.resources, 'Lines for you now:');
          openCrisis(true, false);
        }
        setStatus(f.escalate ? 'Haven has asked a person from the team to join.' : '');
        break;
      case 'mood.saved':
        moodSaved(f);
        break;
      case 'feedback.saved':
        ratingSaved(f);
        break;
      case 'privacy':  // the answer to the consent this page asked for, for a rating
        if (f.consents && f.consents.deidentified_use && f.consents.deidentified_use.granted) {
          sendRating();
        }
        break;
      case 'bye':  // logged out, or the account was erased (from the privacy center)
        endSession(f.reason === 'account erased'
          ? 'This conversation was erased, with everything in it.'
          : 'This conversation has ended on this device.');
        break;
      case 'error':
        if (f.code === 'auth_failed') {
          endSession('This conversation is no longer available here (it was ended or erased).');
          break;
        }
        if (!state.ready) {  // the hello itself failed (the server's storage, say): try again
          setStatus('Could not connect (' + String(f.code).replace(/_/g, ' ') + '). Retrying\u2026');
          if (state.ws) state.ws.close();
          break;
        }
        if (!f.id && ratingRefused(f.code)) break;
        if (state.human === 'sent' && !f.id) {
          state.human = null;  // refused; the words still ask
          if (f.code === 'unknown_type') break;  // a server without human.request: say nothing
        }
        if (f.id && state.pending.has(f.id)) failPending(f.id, f.code);
        if (f.id && state.mood && f.id === state.mood.id) moodFailed(f.code);
        setTyping(false);
        setStatus('Could not send: ' + String(f.code).replace(/_/g, ' ') + '.');
        break;
    }
  }

  // The token no longer works (ended, expired or erased): forget it and let the person start a
  // new conversation when they choose to.
  function endSession(why) {
    state.stopped = true;
    state.token = null;
    state.lastSeq = 0;
    state.pending.clear();
    state.mood = null;
    state.human = null;
    state.ratings = [];
    state.asking = false;
    setStaff(null);
    $('mood-saved').textContent = '';
    store.remove('haven.token');
    $('log').textContent = '';
    $('phrase').hidden = true;
    setTyping(false);
    setStatus('');
    $('restart-why').textContent = why;
    $('restart').hidden = false;
    const ws = state.ws;
    state.ws = null;
    state.ready = false;
    if (ws) ws.close();
    $('restart-button').focus();
  }
  $('restart-button').addEventListener('click', () => {
    $('restart').hidden = true;
    state.stopped = false;
    state.retry = 0;
    $('text').focus();
    connect();
  });

  // ---- The conversation log (an aria-live region) ------------------------------------------

  function bubble(role, text, name) {
    const li = document.createElement('li');
    // Roles: the person, Haven, and (once the team takes over) a person from the team.
    const kind = role === 'user' ? 'user' : role === 'staff' ? 'staff' : 'assistant';
    li.className = kind;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = {
      user: 'You',
      staff: name ? name + ', a person from the team' : 'A person from the team',
      assistant: 'Haven (AI)',
    }[kind];
    const sep = document.createElement('span');
    sep.className = 'visually-hidden';
    sep.textContent = ': ';
    who.appendChild(sep);
    li.appendChild(who);
    const body = document.createElement('p');
    body.className = 'text';
    body.textContent = text;
    li.appendChild(body);
    return li;
  }

  // Committed messages go before the ones still being sent.
  function insert(li) {
    $('log').insertBefore(li, $('log').querySelector('li.pending'));
    $('composer').scrollIntoView({ block: 'end' });
  }

  function addMessage(role, text, seq, resources, name) {
    if (seq <= state.lastSeq) return;  // already shown
    state.lastSeq = seq;
    if (role === 'system') {
      systemLine(text, seq);
      return;
    }
    const li = bubble(role, text, name);
    li.dataset.seq = String(seq);
    if (resources && resources.lines && resources.lines.length) {
      const list = document.createElement('ul');
      list.className = 'lines';
      list.setAttribute('aria-label', 'Crisis lines');
      for (const line of resources.lines) list.appendChild(lineItem(line));
      li.appendChild(list);
    }
    if (role === 'assistant') li.appendChild(rateControls(seq));
    insert(li);
  }

  // A line about the conversation itself (someone joined or left), in the live log; not a message
  // of the conversation unless the server numbered it (`seq`).
  function systemLine(text, seq) {
    const li = document.createElement('li');
    li.className = 'system';
    if (seq) li.dataset.seq = String(seq);
    const body = document.createElement('p');
    body.className = 'text';
    body.textContent = text;
    li.appendChild(body);
    insert(li);
  }

  // A joined/left line; when the server numbers it (`seq`, the system message it stored), a
  // resume does not show that message a second time.
  function staffLine(text, seq) {
    if (Number.isInteger(seq) && seq > 0) {
      if (seq <= state.lastSeq) return;
      state.lastSeq = seq;
      systemLine(text, seq);
    } else {
      systemLine(text);
    }
  }

  // Who from the team is in (null: nobody, Haven answers); shown above the composer meanwhile.
  function setStaff(name) {
    state.staff = name === null ? null : name || '';
    const banner = $('with-person');
    banner.hidden = state.staff === null;
    banner.textContent = state.staff === null
      ? '' : 'You are talking with ' + staffName() + ', a person from the team';
    if (state.staff !== null) {
      setTyping(false);
      $('queue-position').textContent = '';
    }
  }
  function staffName() { return state.staff || 'A person'; }

  function confirmPending(id, seq) {
    const p = state.pending.get(id);
    state.pending.delete(id);
    p.li.classList.remove('pending', 'failed');
    p.li.querySelector('.state').remove();
    p.li.dataset.seq = String(seq);
    state.lastSeq = Math.max(state.lastSeq, seq);
  }

  function failPending(id, code) {
    const p = state.pending.get(id);
    p.li.classList.add('failed');
    const st = p.li.querySelector('.state');
    st.textContent = 'Not sent (' + String(code).replace(/_/g, ' ') + '). ';
    const again = document.createElement('button');
    again.type = 'button';
    again.className = 'link';
    again.textContent = 'Send again';
    again.addEventListener('click', () => {
      p.li.classList.remove('failed');
      st.textContent = 'Sending\u2026';
      if (!sendFrame({ v: 1, type: 'message', id, text: p.text })) connect();
      $('text').focus();
    });
    st.appendChild(again);
  }

  function sendText(text) {
    const bytes = new TextEncoder().encode(text).length;
    if (bytes > MAX_BYTES) {
      setStatus('That message is too long (' + bytes + ' of ' + MAX_BYTES +
                ' bytes). Please split it into shorter ones.');
      return false;
    }
    const id = 'm-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 8);
    const li = bubble('user', text);
    li.classList.add('pending');
    const st = document.createElement('span');
    st.className = 'state';
    st.textContent = 'Sending\u2026';
    li.appendChild(st);
    $('log').appendChild(li);
    $('composer').scrollIntoView({ block: 'end' });
    state.pending.set(id, { text, li });
    if (!sendFrame({ v: 1, type: 'message', id, text })) {
      setStatus('Waiting for the connection; your message will be sent when it is back.');
      if (!state.ws) reconnectNow();
    }
    return true;
  }

  // ---- The composer: Enter sends, Shift+Enter is a new line --------------------------------

  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('text').value.trim();
    if (!text) return;
    if (sendText(text)) $('text').value = '';
    showMood(false);  // the check-in was offered; they chose to write instead
    $('text').focus();
  });
  $('text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey &&
        !e.isComposing) {
      e.preventDefault();
      $('composer').requestSubmit();
    }
  });
  $('phrase-done').addEventListener('click', () => {
    $('phrase').hidden = true;
    $('text').focus();
  });

  // "Talk to a person": a `human.request` (answered with the place in the queue), and said in
  // words too, so that Haven answers it in the conversation with what happens next.
  $('human').addEventListener('click', () => {
    requestHuman();
    sendText('I would like to talk to a person, please.');
    $('text').focus();
  });
  // Sent now, or with the next welcome when the connection is down.
  function requestHuman() {
    state.human = sendFrame({ v: 1, type: 'human.request' }) ? 'sent' : 'wanted';
  }

  // ---- Rating Haven's replies: thumbs up or down, "what would have helped" ------------------
  // One feedback frame is in flight at a time (the server answers frames in order): the head of
  // state.ratings. A later rating of the same reply replaces the earlier one on the server.

  const MAX_COMMENT_BYTES = 1000;  // the server's cap on "what would have helped"

  function replyItem(seq) { return $('log').querySelector('li.assistant[data-seq="' + seq + '"]'); }

  function rateButton(label, symbol, rating, seq) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'rate-button';
    b.dataset.rating = String(rating);
    b.setAttribute('aria-label', label);
    b.setAttribute('aria-pressed', 'false');
    b.title = label;
    b.textContent = symbol;
    b.addEventListener('click', () => rate(seq, rating, b));
    return b;
  }

  // The controls under one of Haven's replies: a group of two toggle buttons and a status line.
  function rateControls(seq) {
    const box = document.createElement('div');
    box.className = 'rate';
    const group = document.createElement('div');
    group.className = 'rate-buttons';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Was this reply helpful?');
    group.appendChild(rateButton('Helpful', '\u{1F44D}', 1, seq));
    group.appendChild(rateButton('Not helpful', '\u{1F44E}', -1, seq));
    box.appendChild(group);
    const st = document.createElement('p');
    st.className = 'rate-state hint';
    st.setAttribute('role', 'status');
    box.appendChild(st);
    return box;
  }

  function rateState(seq, text) {
    const li = replyItem(seq);
    if (li) li.querySelector('.rate-state').textContent = text;
  }

  function rate(seq, rating, button) {
    const li = replyItem(seq);
    if (!li) return;
    for (const b of li.querySelectorAll('.rate-button')) {
      b.setAttribute('aria-pressed', String(b === button));
    }
    const form = li.querySelector('.rate-more');
    if (rating < 0 && !form) li.querySelector('.rate').appendChild(helpedForm(seq));
    if (rating > 0 && form) form.remove();
    queueRating({ seq, rating, comment: '' });
    if (rating < 0) li.querySelector('.rate-more textarea').focus();
  }

  // "What would have helped?": optional words after a thumbs down, sent with the same rating.
  function helpedForm(seq) {
    const form = document.createElement('form');
    form.className = 'rate-more';
    const id = 'helped-' + seq;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = 'What would have helped? (optional)';
    const area = document.createElement('textarea');
    area.id = id;
    area.rows = 2;
    area.maxLength = MAX_COMMENT_BYTES;
    const hint = document.createElement('p');
    hint.className = 'hint';
    hint.id = id + '-hint';
    hint.textContent = 'Kept encrypted and de-identified, to improve Haven\u2019s replies. ' +
      'A person from the team may read it.';
    area.setAttribute('aria-describedby', hint.id);
    const actions = document.createElement('div');
    actions.className = 'actions';
    const send = document.createElement('button');
    send.type = 'submit';
    send.className = 'secondary';
    send.textContent = 'Send';
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'link';
    close.textContent = 'No thanks';
    close.addEventListener('click', () => {
      form.remove();
      $('text').focus();
    });
    actions.append(send, close);
    form.append(label, area, hint, actions);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const comment = area.value.trim();
      if (!comment) return;
      const bytes = new TextEncoder().encode(comment).length;
      if (bytes > MAX_COMMENT_BYTES) {
        rateState(seq, 'That is too long (' + bytes + ' of ' + MAX_COMMENT_BYTES +
                  ' bytes). Please shorten it.');
        return;
      }
      queueRating({ seq, rating: -1, comment });
      form.remove();
      $('text').focus();
    });
    return form;
  }

  function queueRating(r) {
    // A newer rating of the same reply, not yet sent, replaces the waiting one.
    const waiting = state.ratings.findIndex((q, i) => q.seq === r.seq && !(i === 0 && q.sent));
    if (waiting >= 0) state.ratings.splice(waiting, 1, r);
    else state.ratings.push(r);
    rateState(r.seq, 'Saving your rating\u2026');
    if (!state.asking) sendRating();
  }

  function sendRating() {
    const head = state.ratings[0];
    if (!head || head.sent || state.asking) return;
    const frame = { v: 1, type: 'feedback', seq: head.seq, rating: head.rating };
    if (head.comment) frame.comment = head.comment;
    if (sendFrame(frame)) head.sent = true;
  }

  function ratingSaved(f) {
    const head = state.ratings[0];
    if (!head || head.seq !== f.seq) return;
    state.ratings.shift();
    rateState(f.seq, head.comment
      ? 'Thank you. What you wrote is saved, to help Haven learn.'
      : 'Thank you. Your rating is saved, to help Haven learn.');
    sendRating();
  }

  // An error without a message id while a rating is in flight is the rating's, unless a request
  // for a person is also waiting (then the codes only it can get decide). A mood check-in's
  // errors carry its id.
  // Returns whether the error was the rating's.
  function ratingRefused(code) {
    const head = state.ratings[0];
    if (!head || !head.sent) return false;
    const others = state.human === 'sent';
    if (code !== 'consent_required' && code !== 'bad_feedback' && others) return false;
    if (code === 'consent_required') {
      head.sent = false;
      askConsent(head.seq);
      return true;
    }
    state.ratings.shift();
    rateState(head.seq, 'Your rating was not saved (' + String(code).replace(/_/g, ' ') +
              '). You can choose again.');
    sendRating();
    return true;
  }

  // Ratings are kept only with consent to de-identified use: asked here, the first time, with
  // the choice to say no (nothing is kept then). The privacy center changes it at any time.
  function askConsent(seq) {
    state.asking = true;
    const li = replyItem(seq);
    const box = document.createElement('div');
    box.className = 'rate-consent panel';
    box.setAttribute('role', 'group');
    box.setAttribute('aria-labelledby', 'rate-consent-text');
    const p = document.createElement('p');
    p.id = 'rate-consent-text';
    p.textContent = 'Haven keeps ratings only if you allow it to use what you write, ' +
      'de-identified, to improve its replies. You can change this at any time in ';
    p.appendChild(link('/privacy.html', 'Your privacy and data'));
    p.appendChild(document.createTextNode('.'));
    const allow = document.createElement('button');
    allow.type = 'button';
    allow.textContent = 'Allow and save my rating';
    const no = document.createElement('button');
    no.type = 'button';
    no.className = 'secondary';
    no.textContent = 'Not now';
    const done = () => {
      box.remove();
      state.asking = false;
      $('text').focus();
    };
    allow.addEventListener('click', () => {
      done();
      if (!sendFrame({ v: 1, type: 'consent.set', kind: 'deidentified_use', granted: true })) {
        sendRating();  // sent with the next welcome; refused again if the consent never got there
      }
    });
    no.addEventListener('click', () => {
      done();
      // Nothing of the waiting ratings is kept.
      for (const r of state.ratings) {
        rateState(r.seq, 'Not kept. Thank you anyway.');
        const item = replyItem(r.seq);
        if (item) {
          for (const b of item.querySelectorAll('.rate-button')) b.setAttribute('aria-pressed', 'false');
          const form = item.querySelector('.rate-more');
          if (form) form.remove();
        }
      }
      state.ratings = [];
    });
    const actions = document.createElement('div');
    actions.className = 'actions';
    actions.append(allow, no);
    box.append(p, actions);
    if (li) li.querySelector('.rate').appendChild(box);
    else $('log').after(box);
    allow.focus();
  }

  // ---- Mood check-in: optional, offered at the start and on request ------------------------

  function showMood(open, focus) {
    $('mood').hidden = !open;
    $('mood-open').setAttribute('aria-expanded', String(open));
    if (open && focus) $('mood').querySelector('button').focus();
  }
  $('mood-open').addEventListener('click', () => showMood($('mood').hidden, true));
  $('mood-skip').addEventListener('click', () => {
    showMood(false);
    $('text').focus();
  });
  // A choice is kept as data (a `mood` frame, for the person's chart on history.html) and also
  // said in words, so that Haven answers it in the conversation.
  for (const b of $('mood').querySelectorAll('button[data-mood]')) {
    b.addEventListener('click', () => {
      saveMood(Number(b.dataset.value), b.textContent);
      sendText('Right now I feel ' + b.dataset.mood + '.');
      showMood(false);
      $('text').focus();
    });
  }

  // The mood frame goes now, or with the next welcome when the connection is down (again, with
  // the same id, when it was sent and not confirmed: the server stores it once); it is confirmed
  // by `mood.saved`.
  function saveMood(value, label) {
    const id = 'mood-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 8);
    state.mood = { id, value, label };
    $('mood-saved').textContent = 'Saving your check-in\u2026';
    if (sendFrame({ v: 1, type: 'mood', id, value })) state.mood.sent = true;
  }
  function moodFailed(code) {
    state.mood = null;
    $('mood-saved').textContent = 'Your check-in was not saved (' +
      String(code).replace(/_/g, ' ') + '). You can choose again.';
  }
  function moodSaved(f) {
    if (f.id && state.mood && f.id !== state.mood.id) return;  // an earlier check-in's answer
    const label = state.mood && state.mood.value === f.value ? state.mood.label : '';
    state.mood = null;
    $('mood-saved').textContent = 'Check-in saved' + (label ? ' (' + label + ')' : '') +
      '. Your check-ins are under \u201cMy check-ins\u201d at the top.';
  }
})();
