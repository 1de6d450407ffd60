// Haven's staff console: sign in over HTTPS (POST /api/staff/login), then the console protocol v1
// on the WebSocket /console/ws (docs/console-protocol.md). The token lives in this page's memory
// and in sessionStorage (so that a reload keeps the sign-in), never in localStorage, a URL or a
// cookie. The queue is driven by the server's events (no polling); a reconnect resumes with the
// last event seen, or rebuilds the queue from a fresh snapshot, and opens the open conversation
// again after the last message shown, so that no message is shown twice or missed. Text from the
// server is always inserted as text, never as HTML.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const SESSION_KEY = 'haven.staff';
  const DRAFT_DELAY = 400;  // ms of quiet typing before the draft is sent for feedback
  const LEVELS = ['none', 'weak', 'strong'];
  const OUTCOMES = {
    resolved: 'resolved', referred: 'referred', emergency_services: 'emergency services',
    no_contact: 'no contact', other: 'other',
  };
  const INSTRUMENTS = { mood: 'Mood', phq9: 'PHQ-9', gad7: 'GAD-7' };
  const STATES = { waiting: 'waiting for a person', with_staff: 'with a person',
    active: 'with Haven', closed: 'closed' };
  const ERRORS = {
    forbidden: 'You are not allowed to do that.',
    not_found: 'That conversation was not found.',
    taken: 'Another person from the team has already taken this conversation over.',
    not_taken: 'Take the conversation over first.',
    rate_limited: 'Too many actions at once. Wait a moment and try again.',
    internal: 'The server failed. Try again.',
    bad_field: 'The server refused that request (a field was not accepted).',
    no_session: 'The console is not connected yet. Try again in a moment.',
    closed: 'The case is closed.',
    bad_reason: 'Write a reason of at least 10 characters.',
    consent_required: 'This person has not allowed de-identified use: the label was not kept.',
  };
  // What a clinician may label a message with (the analyzer's own vocabularies).
  const RISK_LEVELS = ['none', 'low', 'moderate', 'high', 'imminent'];
  const EMOTIONS = ['admiration', 'amusement', 'anger', 'annoyance', 'approval', 'caring',
    'confusion', 'curiosity', 'desire', 'disappointment', 'disapproval', 'disgust',
    'embarrassment', 'excitement', 'fear', 'gratitude', 'grief', 'joy', 'love', 'nervousness',
    'optimism', 'pride', 'realization', 'relief', 'remorse', 'sadness', 'surprise', 'neutral'];
  const INTENTS = ['crisis', 'asking_for_human', 'privacy_request', 'question_about_bot',
    'seeking_advice', 'venting', 'gratitude', 'goodbye', 'greeting', 'smalltalk', 'other'];

  const sessionStore = {
    get() {
      try { return JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null'); } catch (e) { return null; }
    },
    set(v) { try { sessionStorage.setItem(SESSION_KEY, JSON.stringify(v)); } catch (e) { /* memory only */ } },
    clear() { try { sessionStorage.removeItem(SESSION_KEY); } catch (e) { /* nothing kept */ } },
  };

  const state = {
    session: null,        // {token, username, role, expires_at}
    me: null,             // welcome.staff: {account, username, role}
    ws: null,
    ready: false,         // welcome received on the current socket
    retry: 0,
    timer: null,
    lastEvent: '',        // the id of the last event received (for resume)
    queue: new Map(),     // conversation id -> QueueItem
    open: null,           // the conversation shown: {id, item, seqs: Map seq -> li, lastSeq, ...}
    opening: null,        // {id, reason}: an `open` sent and not yet answered
    pendingSends: new Map(),  // client id -> {conversation, text, suggestion_used}
    suggestionUsed: false,
    draftTimer: null,
    lastAction: '',       // 'review' or 'case': where an error without an id is shown
    alert: null,          // the conversation the alert banner is about
    audio: null,
    review: new Map(),    // "conversation:seq" -> form
    reviewLoaded: false,
  };

  // ---- Small helpers ------------------------------------------------------------------------

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  const pseudonym = (item) => 'Seeker ' + String(item.seeker || item.conversation || '').slice(0, 8);
  const words = (code) => String(code || '').replace(/_/g, ' ');
  const clock = (ms) => {
    const d = new Date(Number(ms));
    return isNaN(d) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  };
  const dateTime = (ms) => {
    const d = new Date(Number(ms));
    return isNaN(d) ? '' : d.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
  };
  const percent = (x) => Math.round(Number(x) * 100) + '%';

  function waiting(queuedAt) {
    if (!queuedAt) return '';
    const s = Math.max(0, (Date.now() - Number(queuedAt)) / 1000);
    if (s < 60) return 'waiting under 1 min';
    const m = Math.floor(s / 60);
    if (m < 60) return 'waiting ' + m + ' min';
    return 'waiting ' + Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }

  function mine(item) {
    return !!item && (item.assigned_to_me === true ||
      (!!item.assigned && !!state.me && item.assigned === state.me.username));
  }

  function priorityBadge(priority) {
    const p = Number(priority) || 0;
    const b = el('span', 'badge prio p' + (p >= 1 && p <= 5 ? p : 0), p >= 1 ? 'P' + p : 'yours');
    b.title = p >= 1 ? 'Priority ' + p + ' (1 is the most urgent)' : 'Assigned to you';
    return b;
  }

  function riskBadge(level) {
    const l = /^(none|low|moderate|high|imminent)$/.test(level) ? level : 'none';
    return el('span', 'badge risk risk-' + l, 'risk: ' + l);
  }

  // ---- Sign-in, sign-out ----------------------------------------------------------------------

  function showSignIn(message) {
    $('console').hidden = true;
    $('bar-signed-in').hidden = true;
    $('alert').hidden = true;
    $('signin').hidden = false;
    $('signin-error').textContent = message || '';
    $('password').value = '';
    $('code').value = '';
    $('username').focus();
  }

  function showConsole() {
    $('signin').hidden = true;
    $('console').hidden = false;
    $('bar-signed-in').hidden = false;
    $('me').textContent = 'Signed in as ' + state.session.username + ' (' + state.session.role + ')';
    $('insights-link').hidden = state.session.role !== 'admin';  // the admin pages
    $('models-link').hidden = state.session.role !== 'admin';
    $('audit-link').hidden = state.session.role !== 'admin';
    const reviewer = state.session.role === 'clinician' || state.session.role === 'admin';
    $('tab-review').hidden = !reviewer;
  }

  $('signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    unlockAudio();  // a click: the browser lets the page make sounds from now on
    $('signin-error').textContent = '';
    $('signin-button').disabled = true;
    const body = JSON.stringify({
      username: $('username').value.trim(),
      password: $('password').value,
      totp: $('code').value.trim(),
    });
    let res = null;
    let data = null;
    try {
      res = await fetch('/api/staff/login', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body,
        credentials: 'omit', cache: 'no-store',
      });
      data = res.ok ? await res.json() : null;
    } catch (err) {
      res = null;
    }
    $('signin-button').disabled = false;
    $('password').value = '';
    $('code').value = '';
    if (!res) {
      $('signin-error').textContent = 'Sign-in failed: the server could not be reached. Try again.';
      $('username').focus();
      return;
    }
    if (!data || !/^[0-9a-f]{64}$/.test(String(data.token))) {
      // Never which of the three was wrong.
      $('signin-error').textContent = 'Sign-in failed: check your username, password and code';
      $('password').focus();
      return;
    }
    state.session = { token: data.token, username: data.username, role: data.role,
      expires_at: data.expires_at };
    sessionStore.set(state.session);
    startConsole();
  });

  function startConsole() {
    showConsole();
    state.retry = 0;
    state.lastEvent = '';
    state.queue.clear();
    renderQueue();
    closeView();
    connect();
    $('main').focus();
  }

  $('signout').addEventListener('click', async () => {
    const token = state.session && state.session.token;
    signOutLocally('You have signed out.');
    if (token) {
      try {
        await fetch('/api/staff/logout', { method: 'POST', headers: { Authorization: 'Bearer ' + token },
          credentials: 'omit', cache: 'no-store' });
      } catch (e) { /* the token expires on its own */ }
    }
  });

  // Forgets the session here: no socket, no token, nothing of any conversation on screen.
  function signOutLocally(message) {
    state.session = null;
    state.me = null;
    sessionStore.clear();
    const ws = state.ws;
    state.ws = null;
    state.ready = false;
    clearTimeout(state.timer);
    state.timer = null;
    if (ws) ws.close(1000);
    state.queue.clear();
    state.pendingSends.clear();
    state.opening = null;
    renderQueue();
    closeView();
    $('review-list').textContent = '';
    $('notice').textContent = '';
    state.review.clear();
    state.reviewLoaded = false;
    selectTab('cases');
    hideAlert();
    showSignIn(message);
  }

  // ---- The connection ---------------------------------------------------------------------------

  function setConn(text) { $('conn').textContent = text; }

  function connect() {
    clearTimeout(state.timer);
    state.timer = null;
    if (state.ws || !state.session) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(scheme + '//' + location.host + '/console/ws');
    state.ws = ws;
    ws.onopen = () => {
      const hello = { v: 1, type: 'hello', token: state.session.token };
      if (state.lastEvent) hello.last_event = state.lastEvent;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (state.ws === ws && frame && typeof frame === 'object') handle(frame);
    };
    ws.onclose = (event) => {
      if (state.ws !== ws) return;
      state.ws = null;
      state.ready = false;
      if (!state.session) return;
      if (event.code === 1008) {  // the token was revoked or expired
        signOutLocally('Your session has ended. Please sign in again.');
        return;
      }
      setConn('Connection lost. Reconnecting\u2026 What you write is kept until it is sent.');
      updateControls();
      const delay = Math.min(10000, 500 * Math.pow(2, state.retry++));
      state.timer = setTimeout(connect, delay * (0.75 + Math.random() / 2));
    };
  }

  function reconnectNow() {
    if (state.session && !state.ws) {
      state.retry = 0;
      connect();
    }
  }
  window.addEventListener('online', reconnectNow);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') reconnectNow();
  });

  function send(frame) {
    if (state.ws && state.ready && state.ws.readyState === WebSocket.OPEN) {
      state.ws.send(JSON.stringify(Object.assign({ v: 1 }, frame)));
      return true;
    }
    return false;
  }

  function sendOrSay(frame, where) {
    if (send(frame)) return true;
    (where || $('conv-status')).textContent = 'Not connected. Wait for the connection and try again.';
    return false;
  }

  function handle(f) {
    switch (f.type) {
      case 'welcome': return onWelcome(f);
      case 'queue': return onQueue(f);
      case 'event': return onEvent(f);
      case 'conversation': return onConversation(f);
      case 'sent': return onSent(f);
      case 'note': return onNote(f);
      case 'draft.feedback': return onFeedback(f);
      case 'review': return onReview(f);
      case 'review.saved': return onReviewSaved(f);
      case 'label.saved': return onLabelSaved(f);
      case 'bye':
        signOutLocally('Your session has ended (' + words(f.reason || 'signed out') +
          '). Please sign in again.');
        return;
      case 'error': return onError(f);
      default: return;  // pong and anything newer than this page
    }
  }

  function onWelcome(f) {
    state.ready = true;
    state.retry = 0;
    state.me = f.staff || { username: state.session.username, role: state.session.role };
    if (f.last_event && !f.resumed) state.lastEvent = String(f.last_event);
    setConn('Connected as ' + state.me.username + ' (' + state.me.role + ').');
    // The open conversation again, from the last message shown: the server sends only what
    // came after it, and the live events from then on.
    if (state.open) {
      state.opening = { id: state.open.id, reason: '', reopen: true };
      send({ type: 'open', conversation: state.open.id, after_seq: state.open.lastSeq });
    }
    // Messages sent but never confirmed go again with the same id (never stored twice).
    for (const [id, p] of state.pendingSends) {
      const frame = { type: 'send', conversation: p.conversation, id, text: p.text };
      if (p.suggestion_used) frame.suggestion_used = true;
      send(frame);
    }
    if (state.reviewLoaded && !$('review').hidden) send({ type: 'review.get' });
    updateControls();
  }

  // ---- The queue ----------------------------------------------------------------------------------

  function onQueue(f) {
    state.queue.clear();
    for (const item of f.items || []) {
      if (item && item.conversation) state.queue.set(item.conversation, item);
    }
    renderQueue();
  }

  // Waiting ones first: priority 1 first, then the one waiting longest; then your own.
  function rank(a, b) {
    const ga = a.state === 'waiting' ? 0 : 1;
    const gb = b.state === 'waiting' ? 0 : 1;
    if (ga !== gb) return ga - gb;
    const pa = a.priority >= 1 ? a.priority : 9;
    const pb = b.priority >= 1 ? b.priority : 9;
    if (pa !== pb) return pa - pb;
    const qa = Number(a.queued_at) || Infinity;
    const qb = Number(b.queued_at) || Infinity;
    if (qa !== qb) return qa - qb;
    return a.conversation < b.conversation ? -1 : 1;
  }

  function renderQueue() {
    const list = $('queue');
    const focused = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest('#queue li');
    const focusedId = focused ? focused.dataset.conversation : null;
    list.textContent = '';
    const items = [...state.queue.values()].sort(rank);
    for (const item of items) list.appendChild(queueEntry(item));
    $('queue-empty').hidden = items.length > 0;
    $('queue-count').textContent = items.length ? '(' + items.length + ')' : '';
    if (focusedId) {
      const again = list.querySelector('li[data-conversation="' + focusedId + '"] button');
      if (again) again.focus();
    }
  }

  function queueEntry(item) {
    const li = el('li', 'queue-item');
    li.dataset.conversation = item.conversation;
    li.dataset.priority = String(item.priority);
    if (state.open && state.open.id === item.conversation) li.classList.add('selected');
    const b = el('button', 'open-item');
    b.type = 'button';
    if (state.open && state.open.id === item.conversation) b.setAttribute('aria-current', 'true');
    const top = el('span', 'line');
    top.appendChild(priorityBadge(item.priority));
    top.appendChild(el('span', 'who', pseudonym(item)));
    top.appendChild(riskBadge(item.risk_level));
    b.appendChild(top);
    const second = el('span', 'line meta');
    if (item.state === 'waiting' && item.queued_at) {
      const wait = el('span', 'waiting', waiting(item.queued_at));
      wait.dataset.queuedAt = String(item.queued_at);
      second.appendChild(wait);
    }
    second.appendChild(el('span', 'state', STATES[item.state] || words(item.state)));
    second.appendChild(el('span', 'assigned', item.assigned
      ? (mine(item) ? 'with you' : 'with ' + item.assigned) : 'nobody has it yet'));
    b.appendChild(second);
    if (item.tags && item.tags.length) {
      const tags = el('span', 'line tags');
      tags.appendChild(el('span', 'visually-hidden', 'Tags: '));
      for (const t of item.tags) tags.appendChild(el('span', 'tag', t));
      b.appendChild(tags);
    }
    b.addEventListener('click', () => openConversation(item.conversation));
    li.appendChild(b);
    return li;
  }

  // The waiting times move on by themselves.
  setInterval(() => {
    for (const w of document.querySelectorAll('#queue .waiting')) {
      w.textContent = waiting(Number(w.dataset.queuedAt));
    }
  }, 5000);

  // ---- Events -------------------------------------------------------------------------------------

  function onEvent(f) {
    if (f.id) state.lastEvent = String(f.id);
    const item = f.item;
    switch (f.kind) {
      case 'queued':
        if (item && item.conversation) {
          place(item);
          renderQueue();
          updateOpenItem(item);
          if (item.priority >= 1 && item.priority <= 2) raiseAlert(item);
        }
        break;
      case 'updated':
        if (item && item.conversation) {
          place(item);
          renderQueue();
          updateOpenItem(item);
        }
        break;
      case 'closed':
        state.queue.delete(f.conversation);
        renderQueue();
        if (state.open && state.open.id === f.conversation) {
          state.open.closed = true;
          state.open.outcome = f.outcome || '';
          if (item) state.open.item = item;
          renderSummary();
          updateControls();
          $('conv-status').textContent = 'The case is closed (' + words(f.outcome) + ').';
        }
        if (state.alert === f.conversation) hideAlert();
        break;
      case 'message':
        if (state.open && state.open.id === f.conversation && f.message) addMessage(f.message);
        break;
      case 'breakglass':  // admins only: someone opened a conversation outside their queue
        $('notice').textContent = 'Break-glass: ' + f.staff + ' opened conversation ' +
          String(f.conversation).slice(0, 8) + ' (access until ' + clock(f.expires_at) +
          '). Their reason: ' + String(f.reason || '');
        break;
      default:
        break;
    }
  }

  // The queue holds what waits for a person, and what you have taken over (as the server's
  // snapshot does): a conversation someone else took, handed back to Haven or closed leaves it.
  function place(item) {
    if (item.state === 'waiting' || (item.state === 'with_staff' && mine(item))) {
      state.queue.set(item.conversation, item);
    } else {
      state.queue.delete(item.conversation);
    }
  }

  function updateOpenItem(item) {
    if (!state.open || state.open.id !== item.conversation) return;
    const before = state.open.item || {};
    state.open.item = item;
    if (item.state === 'closed') state.open.closed = true;
    renderSummary();
    updateControls();
    if (document.activeElement !== $('tags')) $('tags').value = (item.tags || []).join(', ');
    // Say what changed, for the person at the console (and their screen reader).
    const was = mine(before) && before.state === 'with_staff';
    const is = mine(item) && item.state === 'with_staff';
    if (is && !was) {
      $('conv-status').textContent = 'You have taken this conversation over. Haven is paused.';
      $('reply').focus();
    } else if (was && !is) {
      $('conv-status').textContent = item.state === 'active'
        ? 'Handed back to Haven.' : 'You no longer have this conversation.';
    } else if (item.assigned && !is && item.assigned !== before.assigned) {
      $('conv-status').textContent = item.assigned + ' has taken this conversation over.';
    } else if (String(item.tags) !== String(before.tags)) {
      $('conv-status').textContent = 'Tags updated.';
    }
  }

  // ---- Alerts: a banner (role=alert) and a short beep, unless muted ----------------------------

  function unlockAudio() {
    try {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      if (!state.audio) state.audio = new Ctx();
      if (state.audio.state === 'suspended') state.audio.resume().catch(() => {});
    } catch (e) { state.audio = null; }
  }

  function beep() {
    if ($('mute').checked) return;
    try {
      unlockAudio();
      const ctx = state.audio;
      if (!ctx) return;
      const t = ctx.currentTime;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.setValueAtTime(880, t);
      osc.frequency.setValueAtTime(660, t + 0.18);
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.4);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.45);
      const banner = $('alert');
      banner.dataset.sounds = String(Number(banner.dataset.sounds || 0) + 1);
    } catch (e) { /* no sound here; the banner still shows */ }
  }

  function raiseAlert(item) {
    const banner = $('alert');
    banner.hidden = false;
    banner.dataset.alertCount = String(Number(banner.dataset.alertCount || 0) + 1);
    banner.classList.toggle('p1', item.priority === 1);
    state.alert = item.conversation;
    $('alert-text').textContent = 'Urgent: ' + pseudonym(item) + ' needs a person now (priority ' +
      item.priority + ', risk ' + (item.risk_level || 'unknown') + ').';
    beep();
  }

  function hideAlert() {
    $('alert').hidden = true;
    $('alert-text').textContent = '';
    state.alert = null;
  }
  $('alert-open').addEventListener('click', () => {
    const id = state.alert;
    hideAlert();
    if (id) openConversation(id);
  });
  $('alert-dismiss').addEventListener('click', () => {
    hideAlert();
    $('main').focus();
  });
  $('mute').addEventListener('change', () => { if (!$('mute').checked) unlockAudio(); });

  // ---- Opening a conversation (and break-glass) -----------------------------------------------

  function openConversation(id, reason) {
    selectTab('cases');
    if (!state.open || state.open.id !== id) {
      closeView();
      state.open = { id, item: state.queue.get(id) || { conversation: id }, seqs: new Map(),
        lastSeq: 0, closed: false, outcome: '', loaded: false, labels: new Map(),
        labelsAllowed: false };
      $('conv-empty').hidden = true;
      $('conv-title').textContent = 'Conversation with ' + pseudonym(state.open.item);
      $('conv-status').textContent = 'Opening\u2026';
      renderQueue();
    }
    state.opening = { id, reason: reason || '' };
    const frame = { type: 'open', conversation: id };
    if (state.open.lastSeq) frame.after_seq = state.open.lastSeq;
    if (reason) frame.reason = reason;
    state.lastAction = 'case';
    sendOrSay(frame);
    if (window.matchMedia('(max-width: 47.99rem)').matches) setQueueOpen(false);
    $('conv-title').focus();
  }

  function closeView() {
    state.open = null;
    state.opening = null;
    state.suggestionUsed = false;
    clearTimeout(state.draftTimer);
    $('conv-body').hidden = true;
    $('breakglass').hidden = true;
    $('conv-empty').hidden = false;
    $('conv-title').textContent = 'Conversation';
    $('log').textContent = '';
    $('notes').textContent = '';
    $('reply').value = '';
    $('conv-status').textContent = '';
    $('send-status').textContent = '';
    clearFeedback();
    updateControls();
  }

  function showBreakGlass(id, problem) {
    $('conv-body').hidden = true;
    $('breakglass').hidden = false;
    $('breakglass').dataset.conversation = id;
    $('conv-status').textContent = '';
    $('breakglass-problem').textContent = problem;
    if (!problem) $('breakglass-reason').value = '';
    $('breakglass-reason').focus();
  }
  $('breakglass').addEventListener('submit', (e) => {
    e.preventDefault();
    const reason = $('breakglass-reason').value.trim();
    if (!reason) {
      $('breakglass-reason').focus();
      return;
    }
    $('breakglass').hidden = true;
    openConversation($('breakglass').dataset.conversation, reason);
  });
  $('breakglass-cancel').addEventListener('click', () => {
    closeView();
    renderQueue();
    $('queue-title').focus();
  });

  function onConversation(f) {
    const item = f.item || {};
    const id = item.conversation || (state.opening && state.opening.id);
    if (!state.open || state.open.id !== id) return;  // an answer for a view since left
    state.opening = null;
    const open = state.open;
    open.item = item;
    open.botPaused = !!f.bot_paused;
    open.outcome = f.outcome || '';
    open.closed = item.state === 'closed' || !!f.outcome;
    $('breakglass').hidden = true;
    $('conv-body').hidden = false;
    $('conv-title').textContent = 'Conversation with ' + pseudonym(item);
    open.labelsAllowed = !!f.labels_allowed;
    for (const l of f.labels || []) open.labels.set(Number(l.seq), l);
    const log = $('log');
    log.setAttribute('aria-busy', 'true');  // the history is not announced message by message
    for (const m of f.messages || []) addMessage(m);
    log.setAttribute('aria-busy', 'false');
    for (const seq of open.seqs.keys()) renderLabel(seq);
    $('notes').textContent = '';
    for (const n of f.notes || []) addNote(n);
    renderScreenings(f.checkins || [], f.mood_trend || 'unknown');
    if (document.activeElement !== $('tags')) $('tags').value = (item.tags || []).join(', ');
    $('conv-status').textContent = open.loaded ? 'Reconnected; the transcript is up to date.' : '';
    open.loaded = true;
    renderSummary();
    updateControls();
  }

  function renderSummary() {
    const open = state.open;
    if (!open) return;
    const item = open.item || {};
    const s = $('conv-summary');
    s.textContent = '';
    if (item.priority >= 1) s.appendChild(priorityBadge(item.priority));
    s.appendChild(riskBadge(item.risk_level));
    let text = open.closed
      ? 'Closed' + (open.outcome ? ' (' + words(open.outcome) + ')' : '')
      : (STATES[item.state] || words(item.state) || 'unknown state');
    if (!open.closed) {
      text += item.assigned ? (mine(item) ? '; you have it' : '; ' + item.assigned + ' has it')
        : '; nobody from the team has it';
      if (item.state === 'with_staff' || open.botPaused) text += '; Haven is paused';
      const w = waiting(item.queued_at);
      if (w && item.state === 'waiting') text += '; ' + w;
    }
    s.appendChild(el('span', 'summary-text', text));
    if (item.rules && item.rules.length) {
      s.appendChild(el('span', 'rules', 'Queued by: ' + item.rules.join(', ')));
    }
  }

  // Which controls make sense now: take over when it is not yours, hand back and write when it is.
  function updateControls() {
    const open = state.open;
    const live = !!(state.ready && open && !open.closed && open.loaded);
    const yours = !!(open && mine(open.item) && open.item.state === 'with_staff');
    const sending = state.pendingSends.size > 0;
    $('takeover').disabled = !live || yours;
    $('handback').disabled = !live || !yours;
    $('close-case').disabled = !live;
    $('outcome').disabled = !live;
    $('reply').disabled = !(open && !open.closed && yours);
    $('send').disabled = !live || !yours || sending;
    $('note-add').disabled = !live;
    $('tags-save').disabled = !live;
    $('reply-hint').textContent = yours
      ? 'You have this conversation: Haven stays silent until you hand it back. ' +
        'Ctrl+Enter sends.'
      : 'Take the conversation over to write. Haven stays silent while you have it.';
    if (!yours) $('feedback').hidden = true;
  }

  // ---- The transcript -------------------------------------------------------------------------------

  // Evidence spans come as UTF-8 byte offsets; the text in the page is UTF-16. Returns the
  // string index of each byte offset (rounded to whole characters).
  function byteToIndex(text) {
    const enc = new TextEncoder();
    const map = [];  // map[byte] = string index of the character that starts at or covers it
    let i = 0;
    for (const ch of text) {
      const n = enc.encode(ch).length;
      for (let k = 0; k < n; k++) map.push(i);
      i += ch.length;
    }
    map.push(i);
    return (b, end) => {
      b = Math.max(0, Math.min(map.length - 1, Math.floor(Number(b)) || 0));
      if (!end) return map[b];
      // An end inside a character takes the whole character.
      if (b > 0 && map[b] === map[b - 1]) {
        let j = b;
        while (j < map.length - 1 && map[j] === map[b - 1]) j++;
        return map[j];
      }
      return map[b];
    };
  }

  // The text with each evidence span in a <mark> whose title names the signal (and, for screen
  // readers, the signal in words after it).
  function highlighted(text, evidence) {
    const p = el('p', 'text');
    const at = byteToIndex(text);
    const spans = (evidence || [])
      .map((e) => ({ start: at(e.start, false), end: at(e.end, true), signal: String(e.signal || 'risk') }))
      .filter((s) => s.end > s.start)
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const merged = [];
    for (const s of spans) {
      const last = merged[merged.length - 1];
      if (last && s.start < last.end) {
        last.end = Math.max(last.end, s.end);
        if (!last.signals.includes(s.signal)) last.signals.push(s.signal);
      } else {
        merged.push({ start: s.start, end: s.end, signals: [s.signal] });
      }
    }
    let pos = 0;
    for (const s of merged) {
      if (s.start > pos) p.appendChild(document.createTextNode(text.slice(pos, s.start)));
      const mark = el('mark', null, text.slice(s.start, s.end));
      mark.title = 'Risk signal: ' + s.signals.map(words).join(', ');
      mark.dataset.signal = s.signals.join(' ');
      p.appendChild(mark);
      p.appendChild(el('span', 'visually-hidden', ' (risk signal: ' + s.signals.map(words).join(', ') + ')'));
      pos = s.end;
    }
    if (pos < text.length) p.appendChild(document.createTextNode(text.slice(pos)));
    return p;
  }

  function annotation(a) {
    const box = el('div', 'annot');
    const risk = a.risk || {};
    box.appendChild(riskBadge(risk.level));
    if (risk.categories && risk.categories.length) {
      box.appendChild(el('span', 'fact', 'signals: ' + risk.categories.map(words).join(', ')));
    }
    if (a.emotions && a.emotions.length) {
      box.appendChild(el('span', 'fact', 'emotions: ' +
        a.emotions.map((e) => words(e.label) + ' ' + percent(e.score)).join(', ')));
    }
    if (a.intent && a.intent.label) {
      box.appendChild(el('span', 'fact', 'intent: ' + words(a.intent.label) +
        (a.intent.score !== undefined ? ' ' + percent(a.intent.score) : '')));
    }
    if (typeof a.sentiment === 'number') {
      box.appendChild(el('span', 'fact', 'sentiment: ' + a.sentiment.toFixed(2)));
    }
    return box;
  }

  function messageItem(m) {
    const role = ['user', 'assistant', 'staff', 'system'].includes(m.role) ? m.role : 'system';
    const li = el('li', role);
    li.dataset.seq = String(m.seq);
    if (role === 'system') {  // about the conversation ("sam from the team has joined ...")
      const p = el('p', 'text', m.text);
      p.appendChild(el('span', 'time', ' ' + clock(m.time)));
      li.appendChild(p);
      return li;
    }
    const who = el('span', 'who', {
      user: 'The person', assistant: 'Haven (AI)', staff: (m.author || 'Someone') + ' (team)',
    }[role]);
    who.appendChild(el('span', 'visually-hidden', ', '));
    who.appendChild(el('span', 'time', clock(m.time)));
    who.appendChild(el('span', 'visually-hidden', ': '));
    li.appendChild(who);
    if (role === 'user') {
      const evidence = m.analysis && m.analysis.risk ? m.analysis.risk.evidence : [];
      li.appendChild(highlighted(String(m.text || ''), evidence));
      if (m.analysis) li.appendChild(annotation(m.analysis));
      if (state.me && (state.me.role === 'clinician' || state.me.role === 'admin')) {
        li.appendChild(labelForm(Number(m.seq), m.analysis));
      }
    } else {
      li.appendChild(el('p', 'text', m.text));
    }
    if (role === 'assistant' && (m.strategy || (m.why && m.why.length))) {
      const d = el('details', 'why');
      d.appendChild(el('summary', null, 'Strategy: ' + words(m.strategy || 'unknown') + ' (why)'));
      const ul = el('ul');
      for (const r of m.why || []) ul.appendChild(el('li', null, r));
      if (!(m.why && m.why.length)) ul.appendChild(el('li', null, 'No reasons given.'));
      d.appendChild(ul);
      li.appendChild(d);
    }
    return li;
  }

  // Each message once, in seq order, whichever way it came (history, live event, `sent`).
  function addMessage(m) {
    const open = state.open;
    const seq = Number(m.seq);
    if (!open || !Number.isFinite(seq) || open.seqs.has(seq)) return;
    const li = messageItem(m);
    open.seqs.set(seq, li);
    open.lastSeq = Math.max(open.lastSeq, seq);
    const log = $('log');
    let before = null;
    for (const other of log.children) {
      if (Number(other.dataset.seq) > seq) { before = other; break; }
    }
    log.insertBefore(li, before);
    renderLabel(seq);
  }

  // ---- Labels: a clinician's reading of a message, to teach the risk reader (haven train) ------

  function labelSummary(l) {
    const parts = [];
    if (l.risk) parts.push('risk ' + l.risk);
    if (l.emotions && l.emotions.length) parts.push(l.emotions.join(', '));
    if (l.intent) parts.push(words(l.intent));
    return parts.join(' \u00b7 ') + (l.author ? ' (by ' + l.author + ')' : '');
  }

  function selectOf(id, labelText, options, multiple) {
    const wrap = el('div', 'field');
    const label = el('label', null, labelText);
    label.htmlFor = id;
    const select = el('select');
    select.id = id;
    if (multiple) {
      select.multiple = true;
      select.size = 5;
    } else {
      const none = el('option', null, 'not labelled');
      none.value = '';
      select.appendChild(none);
    }
    for (const o of options) {
      const opt = el('option', null, words(o));
      opt.value = o;
      select.appendChild(opt);
    }
    wrap.appendChild(label);
    wrap.appendChild(select);
    return { wrap, select };
  }

  // A folded form under each of the person's messages: risk level, up to three emotions, intent.
  function labelForm(seq, analysis) {
    const d = el('details', 'label');
    d.dataset.seq = String(seq);
    const summary = el('summary', null, 'Label this message');
    d.appendChild(summary);
    const form = el('form', 'label-form');
    const prefix = 'label-' + seq + '-';
    const risk = selectOf(prefix + 'risk', 'Risk level', RISK_LEVELS, false);
    const emotions = selectOf(prefix + 'emotions', 'Emotions (up to 3)', EMOTIONS, true);
    const intent = selectOf(prefix + 'intent', 'Intent', INTENTS, false);
    // Start from the analyzer's reading: the clinician corrects it rather than starts blank.
    if (analysis && analysis.risk && RISK_LEVELS.includes(analysis.risk.level)) {
      risk.select.value = analysis.risk.level;
    }
    const save = el('button', null, 'Save label');
    save.type = 'submit';
    const note = el('p', 'hint label-consent',
      'This person has not allowed de-identified use: labels are not kept.');
    note.hidden = true;
    const status = el('p', 'status');
    status.setAttribute('role', 'status');
    form.append(risk.wrap, emotions.wrap, intent.wrap, save, note, status);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const chosen = Array.from(emotions.select.selectedOptions).map((o) => o.value);
      if (chosen.length > 3) {
        status.textContent = 'Choose at most 3 emotions.';
        emotions.select.focus();
        return;
      }
      if (!risk.select.value && !chosen.length && !intent.select.value) {
        status.textContent = 'Choose a risk level, an emotion or an intent.';
        return;
      }
      const frame = { type: 'label', conversation: state.open.id, seq, emotions: chosen };
      if (risk.select.value) frame.risk = risk.select.value;
      if (intent.select.value) frame.intent = intent.select.value;
      state.lastAction = 'label';
      state.labelStatus = status;
      status.textContent = 'Saving\u2026';
      sendOrSay(frame, status);
    });
    d.appendChild(form);
    return d;
  }

  function renderLabel(seq) {
    const open = state.open;
    const li = open && open.seqs.get(seq);
    const d = li && li.querySelector('details.label');
    if (!d) return;
    const l = open.labels.get(seq);
    d.querySelector('summary').textContent = l ? 'Labelled: ' + labelSummary(l) : 'Label this message';
    d.querySelector('.label-consent').hidden = open.labelsAllowed;
    d.querySelector('button[type=submit]').disabled = !open.labelsAllowed;
    if (l) {
      d.querySelector('select[id$="-risk"]').value = l.risk || '';
      d.querySelector('select[id$="-intent"]').value = l.intent || '';
      for (const o of d.querySelector('select[id$="-emotions"]').options) {
        o.selected = (l.emotions || []).includes(o.value);
      }
    }
  }

  function onLabelSaved(f) {
    const open = state.open;
    if (!open || open.id !== f.conversation || !f.label) return;
    const seq = Number(f.label.seq);
    open.labels.set(seq, f.label);
    renderLabel(seq);
    const li = open.seqs.get(seq);
    const status = li && li.querySelector('details.label .status');
    if (status) status.textContent = 'Label saved.';
  }

  // ---- Case actions ------------------------------------------------------------------------------

  $('takeover').addEventListener('click', () => {
    if (!state.open) return;
    state.lastAction = 'case';
    $('conv-status').textContent = 'Taking over\u2026';
    sendOrSay({ type: 'takeover', conversation: state.open.id });
  });
  $('handback').addEventListener('click', () => {
    if (!state.open) return;
    state.lastAction = 'case';
    $('conv-status').textContent = 'Handing back to Haven\u2026';
    sendOrSay({ type: 'handback', conversation: state.open.id });
  });
  $('close-case').addEventListener('click', () => {
    if (!state.open) return;
    const outcome = $('outcome').value;
    if (!OUTCOMES[outcome]) {
      $('conv-status').textContent = 'Choose an outcome to close the case.';
      $('outcome').focus();
      return;
    }
    state.lastAction = 'case';
    $('conv-status').textContent = 'Closing the case\u2026';
    sendOrSay({ type: 'case.close', conversation: state.open.id, outcome });
  });

  // ---- Composer, draft feedback ----------------------------------------------------------------

  function newId() {
    return 'c-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 8);
  }

  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const open = state.open;
    const text = $('reply').value.trim();
    if (!open || !text || $('send').disabled) return;
    const bytes = new TextEncoder().encode(text).length;
    if (bytes > 4000) {
      $('send-status').textContent = 'That message is too long (' + bytes + ' of 4000 bytes).';
      return;
    }
    clearTimeout(state.draftTimer);  // no feedback on what is already sent
    const id = newId();
    const p = { conversation: open.id, text, suggestion_used: state.suggestionUsed };
    state.pendingSends.set(id, p);
    const frame = { type: 'send', conversation: open.id, id, text };
    if (p.suggestion_used) frame.suggestion_used = true;
    $('send-status').textContent = 'Sending\u2026';
    send(frame);  // or with the next welcome
    updateControls();
  });
  $('reply').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.isComposing) {
      e.preventDefault();
      $('composer').requestSubmit();
    }
  });
  $('reply').addEventListener('input', () => {
    if (!$('reply').value.trim()) state.suggestionUsed = false;
    clearTimeout(state.draftTimer);
    state.draftTimer = setTimeout(sendDraft, DRAFT_DELAY);
  });

  function sendDraft() {
    const open = state.open;
    if (!open || $('reply').disabled) return;
    send({ type: 'draft', conversation: open.id, text: $('reply').value });
  }

  function onSent(f) {
    const p = state.pendingSends.get(f.id);
    if (!p) return;
    state.pendingSends.delete(f.id);
    if (state.open && state.open.id === p.conversation) {
      addMessage({ seq: f.seq, role: 'staff', text: p.text, time: Date.now(),
        author: state.me ? state.me.username : '' });
      if ($('reply').value.trim() === p.text) {
        $('reply').value = '';
        state.suggestionUsed = false;
        clearFeedback();
      }
      $('send-status').textContent = 'Sent.';
    }
    updateControls();
    $('reply').focus();
  }

  function clearFeedback() {
    $('feedback').hidden = true;
    for (const li of $('mechanisms').children) {
      li.dataset.level = '0';
      li.querySelector('.meter-level').textContent = LEVELS[0];
    }
    $('draft-warnings').textContent = '';
    $('suggestions').textContent = '';
    $('replies').textContent = '';
  }

  function onFeedback(f) {
    if (!state.open || f.conversation !== state.open.id || $('reply').disabled) return;
    $('feedback').hidden = false;
    const mech = f.mechanisms || {};
    for (const li of $('mechanisms').children) {
      const m = mech[li.dataset.mechanism] || {};
      const level = [0, 1, 2].includes(m.level) ? m.level : 0;
      li.dataset.level = String(level);
      li.querySelector('.meter-level').textContent = LEVELS[level];
    }
    const warnings = $('draft-warnings');
    warnings.textContent = '';
    if ((f.warnings || []).length) {
      const ul = el('ul');
      for (const w of f.warnings) ul.appendChild(el('li', null, w));
      warnings.appendChild(el('p', 'warn-title', 'Check before sending:'));
      warnings.appendChild(ul);
    }
    const sugg = $('suggestions');
    sugg.textContent = '';
    for (const s of f.suggestions || []) sugg.appendChild(el('li', null, s));
    if (!sugg.children.length) sugg.appendChild(el('li', 'hint', 'None.'));
    const replies = $('replies');
    replies.textContent = '';
    (f.replies || []).forEach((r, i) => {
      const li = el('li');
      const text = el('span', 'reply-text', r);
      text.id = 'suggested-reply-' + i;
      li.appendChild(text);
      const use = el('button', 'secondary small', 'Use');
      use.type = 'button';
      use.setAttribute('aria-label', 'Use suggested reply ' + (i + 1));
      use.setAttribute('aria-describedby', text.id);
      use.addEventListener('click', () => {
        $('reply').value = r;
        state.suggestionUsed = true;
        $('reply').focus();
        clearTimeout(state.draftTimer);
        state.draftTimer = setTimeout(sendDraft, DRAFT_DELAY);
      });
      li.appendChild(use);
      replies.appendChild(li);
    });
    if (!replies.children.length) replies.appendChild(el('li', 'hint', 'None.'));
  }

  // ---- Notes, tags, screenings -------------------------------------------------------------------

  function addNote(n) {
    const li = el('li');
    const who = el('span', 'who', (n.author || 'Someone') + ', ' + dateTime(n.time));
    li.appendChild(who);
    li.appendChild(el('p', 'text', n.text));
    $('notes').appendChild(li);
  }

  function onNote(f) {
    if (!state.open || f.conversation !== state.open.id || !f.note) return;
    addNote(f.note);
    if ($('note-text').dataset.sending === $('note-text').value) $('note-text').value = '';
    delete $('note-text').dataset.sending;
    $('conv-status').textContent = 'Note added.';
  }

  $('note-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('note-text').value.trim();
    if (!state.open || !text) return;
    state.lastAction = 'case';
    $('note-text').dataset.sending = $('note-text').value;
    sendOrSay({ type: 'note.add', conversation: state.open.id, text });
  });

  $('tags-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (!state.open) return;
    const tags = [...new Set($('tags').value.split(',').map((t) => t.trim().toLowerCase())
      .filter(Boolean))];
    if (tags.length > 16 || tags.some((t) => !/^[a-z0-9_-]{1,32}$/.test(t))) {
      $('conv-status').textContent =
        'Tags may use lowercase letters, digits, - and _ (32 characters at most), up to 16 tags.';
      $('tags').focus();
      return;
    }
    state.lastAction = 'case';
    $('conv-status').textContent = 'Saving tags\u2026';
    sendOrSay({ type: 'tags.set', conversation: state.open.id, tags });
  });

  function renderScreenings(checkins, trend) {
    $('mood-trend').textContent = 'Mood trend: ' + ({ improving: 'improving', worsening: 'worsening',
      steady: 'steady' }[trend] || 'not enough check-ins yet');
    const table = $('screenings');
    const body = table.querySelector('tbody');
    body.textContent = '';
    for (const c of checkins) {
      const tr = el('tr');
      tr.appendChild(el('td', null, INSTRUMENTS[c.instrument] || c.instrument));
      tr.appendChild(el('td', null, c.score === null || c.score === undefined
        ? 'not finished' : c.instrument === 'mood' ? c.score + ' of 5' : c.score));
      tr.appendChild(el('td', null, c.severity ? words(c.severity) : (c.completed === false ? 'stopped' : '')));
      tr.appendChild(el('td', null, dateTime(c.time)));
      body.appendChild(tr);
    }
    table.hidden = !checkins.length;
    $('screenings-none').hidden = !!checkins.length;
    renderTrajectory(checkins);
  }

  // The person's trajectory: one small SVG line chart per instrument with two scored results or
  // more (PHQ-9 0-27 and GAD-7 0-21, higher is worse; mood 1-5, higher is better), each with a
  // text equivalent; the table above holds every value.
  const SCALES = { phq9: [0, 27, 'higher is worse'], gad7: [0, 21, 'higher is worse'],
    mood: [1, 5, 'higher is better'] };
  function renderTrajectory(checkins) {
    const box = $('trajectory');
    box.textContent = '';
    const NS = 'http://www.w3.org/2000/svg';
    const svgEl = (name, attrs, text) => {
      const e = document.createElementNS(NS, name);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
      if (text !== undefined) e.textContent = text;
      return e;
    };
    for (const kind of ['phq9', 'gad7', 'mood']) {
      const points = checkins.filter((c) => c.instrument === kind && Number.isInteger(c.score));
      if (points.length < 2) continue;
      const [lo, hi, sense] = SCALES[kind];
      const W = 260, H = 90, left = 26, right = 8, top = 8, bottom = 16;
      const x = (i) => left + (W - left - right) * i / (points.length - 1);
      const y = (v) => top + (H - top - bottom) * (1 - (v - lo) / (hi - lo));
      const id = 'trajectory-' + kind;
      const name = INSTRUMENTS[kind] + ' over time';
      const desc = points.map((p) => p.score + ' on ' + dateTime(p.time)).join('; ') +
        ' (' + lo + ' to ' + hi + ', ' + sense + ')';
      const svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'trajectory-svg',
        role: 'img', 'aria-labelledby': id + '-t ' + id + '-d', focusable: 'false' });
      svg.appendChild(svgEl('title', { id: id + '-t' }, name));
      svg.appendChild(svgEl('desc', { id: id + '-d' }, desc));
      for (const v of [lo, hi]) {
        svg.appendChild(svgEl('line', { x1: left - 3, x2: W - right, y1: y(v), y2: y(v), class: 'grid' }));
        svg.appendChild(svgEl('text', { x: left - 5, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, v));
      }
      svg.appendChild(svgEl('polyline', { class: 'line',
        points: points.map((p, i) => x(i) + ',' + y(p.score)).join(' ') }));
      points.forEach((p, i) => svg.appendChild(svgEl('circle', { cx: x(i), cy: y(p.score), r: 3, class: 'point' })));
      const figure = el('figure');
      const caption = el('figcaption', null, name + ': ' + points[0].score + ' \u2192 ' +
        points[points.length - 1].score + ' (' + sense + ')');
      figure.append(svg, caption);
      box.appendChild(figure);
    }
  }

  // ---- Errors ---------------------------------------------------------------------------------------

  function onError(f) {
    const code = String(f.code || 'internal');
    if (!state.ready) {
      if (code === 'auth_failed' || code === 'no_session') {
        signOutLocally('Your session has ended. Please sign in again.');
      } else {
        setConn('Could not connect (' + words(code) + '). Retrying\u2026');
        if (state.ws) state.ws.close();
      }
      return;
    }
    if (code === 'auth_failed') {
      signOutLocally('Your session has ended. Please sign in again.');
      return;
    }
    // A message that was refused: keep the text, say why.
    if (f.id && state.pendingSends.has(f.id)) {
      state.pendingSends.delete(f.id);
      $('send-status').textContent = 'Not sent: ' + (ERRORS[code] || words(code)) +
        ' Your text is still in the box.';
      updateControls();
      return;
    }
    // An `open` that was refused: offer break-glass with a written reason (once).
    if (state.opening) {
      const opening = state.opening;
      state.opening = null;
      if (code === 'forbidden' && !opening.reason) {
        showBreakGlass(opening.id, '');
        return;
      }
      if (code === 'bad_reason') {
        showBreakGlass(opening.id, ERRORS.bad_reason);
        return;
      }
      $('conv-status').textContent = 'Could not open the conversation: ' +
        (ERRORS[code] || words(code));
      return;
    }
    const msg = ERRORS[code] || ('Refused: ' + words(code) + '.');
    if (state.lastAction === 'label' && state.labelStatus && state.labelStatus.isConnected) {
      state.labelStatus.textContent = msg;
      return;
    }
    if (state.lastAction === 'review' && !$('review').hidden) $('review-status').textContent = msg;
    else if (state.open) $('conv-status').textContent = msg;
    else setConn(msg);
  }

  // ---- Review --------------------------------------------------------------------------------------

  function selectTab(which) {
    const review = which === 'review';
    $('tab-cases').setAttribute('aria-selected', String(!review));
    $('tab-review').setAttribute('aria-selected', String(review));
    $('tab-cases').tabIndex = review ? -1 : 0;
    $('tab-review').tabIndex = review ? 0 : -1;
    $('cases').hidden = review;
    $('review').hidden = !review;
  }
  $('tab-cases').addEventListener('click', () => selectTab('cases'));
  $('tab-review').addEventListener('click', () => {
    selectTab('review');
    if (!state.reviewLoaded) loadReview();
  });
  $('tabs').addEventListener('keydown', (e) => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key) || $('tab-review').hidden) return;
    e.preventDefault();
    const review = e.key === 'End' || (e.key !== 'Home' && $('tab-review').getAttribute('aria-selected') !== 'true');
    if (review) {
      $('tab-review').click();
      $('tab-review').focus();
    } else {
      selectTab('cases');
      $('tab-cases').focus();
    }
  });
  $('review-load').addEventListener('click', loadReview);

  function loadReview() {
    state.lastAction = 'review';
    $('review-status').textContent = 'Loading\u2026';
    if (send({ type: 'review.get' })) state.reviewLoaded = true;
    else $('review-status').textContent = 'Not connected. Try again in a moment.';
  }

  function onReview(f) {
    const list = $('review-list');
    list.textContent = '';
    state.review.clear();
    const items = f.items || [];
    items.forEach((item, i) => list.appendChild(reviewForm(item, i)));
    $('review-status').textContent = items.length
      ? items.length + (items.length === 1 ? ' reply' : ' replies') + ' to review.'
      : 'Nothing to review right now.';
  }

  function reviewForm(item, i) {
    const li = el('li', 'review-item');
    const form = el('form', 'panel');
    const key = item.conversation + ':' + item.seq;
    const prefix = 'rv' + i;
    state.review.set(key, form);
    const title = el('h3', null, pseudonym(item) + ', ' + dateTime(item.time));
    title.id = prefix + '-title';
    form.setAttribute('aria-labelledby', title.id);
    form.appendChild(title);
    const facts = el('p', 'facts');
    facts.appendChild(el('span', 'tag', item.reason === 'risk' ? 'risky message' : 'random sample'));
    facts.appendChild(riskBadge(item.risk_level));
    facts.appendChild(el('span', 'fact', 'strategy: ' + words(item.strategy)));
    form.appendChild(facts);
    form.appendChild(el('p', 'quote-label', 'The person wrote:'));
    form.appendChild(el('blockquote', 'quote', item.context));
    form.appendChild(el('p', 'quote-label', 'Haven replied:'));
    form.appendChild(el('blockquote', 'quote bot', item.text));
    for (const [name, legend] of [['empathy', 'Empathy'], ['safety', 'Safety'],
      ['helpfulness', 'Helpfulness']]) {
      const fs = el('fieldset', 'rating');
      fs.appendChild(el('legend', null, legend + ' (1 poor to 5 excellent)'));
      for (let v = 1; v <= 5; v++) {
        const id = prefix + '-' + name + '-' + v;
        const input = el('input');
        input.type = 'radio';
        input.name = prefix + '-' + name;
        input.value = String(v);
        input.id = id;
        input.required = true;
        const label = el('label', 'radio', String(v));
        label.htmlFor = id;
        label.prepend(input);
        fs.appendChild(label);
      }
      form.appendChild(fs);
    }
    const flag = el('input');
    flag.type = 'checkbox';
    flag.id = prefix + '-flag';
    const flagLabel = el('label', 'check', ' Flag this reply as unsafe or wrong');
    flagLabel.htmlFor = flag.id;
    flagLabel.prepend(flag);
    form.appendChild(flagLabel);
    const rw = el('label', null, 'A better reply (optional)');
    rw.htmlFor = prefix + '-rewrite';
    form.appendChild(rw);
    const rewrite = el('textarea');
    rewrite.id = prefix + '-rewrite';
    rewrite.rows = 3;
    rewrite.maxLength = 4000;
    form.appendChild(rewrite);
    const submit = el('button', null, 'Submit review');
    submit.type = 'submit';
    form.appendChild(submit);
    const status = el('p', 'status');
    status.setAttribute('role', 'status');
    form.appendChild(status);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = (name) => {
        const c = form.querySelector('input[name="' + prefix + '-' + name + '"]:checked');
        return c ? Number(c.value) : 0;
      };
      const frame = { type: 'review.submit', conversation: item.conversation, seq: item.seq,
        empathy: value('empathy'), safety: value('safety'), helpfulness: value('helpfulness'),
        flagged: flag.checked };
      if (!frame.empathy || !frame.safety || !frame.helpfulness) {
        status.textContent = 'Rate empathy, safety and helpfulness first.';
        return;
      }
      if (rewrite.value.trim()) frame.rewrite = rewrite.value.trim();
      state.lastAction = 'review';
      status.textContent = send(frame) ? 'Saving\u2026' : 'Not connected. Try again in a moment.';
    });
    li.appendChild(form);
    return li;
  }

  function onReviewSaved(f) {
    const form = state.review.get(f.conversation + ':' + f.seq);
    if (!form) return;
    for (const c of form.querySelectorAll('input, textarea, button')) c.disabled = true;
    form.classList.add('saved');
    form.querySelector('.status').textContent = 'Saved. Thank you.';
  }

  // ---- Layout: on a narrow screen the queue folds away above the conversation ---------------

  function setQueueOpen(open) {
    $('queue-toggle').setAttribute('aria-expanded', String(open));
    $('queue-toggle').textContent = open ? 'Hide queue' : 'Show queue';
    $('queue-panel').classList.toggle('collapsed', !open);
  }
  $('queue-toggle').addEventListener('click', () =>
    setQueueOpen($('queue-toggle').getAttribute('aria-expanded') !== 'true'));

  // The alert banner stays just below the sticky header, whatever its height.
  if (window.ResizeObserver) {
    new ResizeObserver(() => {
      document.documentElement.style.setProperty('--bar-height',
        document.querySelector('.bar').offsetHeight + 'px');
    }).observe(document.querySelector('.bar'));
  }

  // ---- Start -------------------------------------------------------------------------------------

  {
    const saved = sessionStore.get();
    if (saved && /^[0-9a-f]{64}$/.test(String(saved.token)) &&
        !(saved.expires_at && Number(saved.expires_at) < Date.now())) {
      state.session = saved;
      startConsole();
    } else {
      sessionStore.clear();
      showSignIn('');
    }
  }
})();
