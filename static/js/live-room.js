/* QiaoCamp live room: a small client for protocol version 2 (docs/live-protocol.md): it connects
 * with ?v=2, so presence, reactions and hands of a crowded room come batched (§11).
 *
 * Reliability rules it follows:
 * - messages are shown strictly in seq order, each seq once; a message that arrives ahead of
 *   a gap waits in `early` until the gap is filled by a `resume`;
 * - after any drop it reconnects with exponential backoff and asks for everything after the last
 *   seq it has shown (`resume`), so the missed messages appear once, in order;
 * - the seq fence: a message at or below the last seq shown is never shown again (the server
 *   does not send one twice either);
 * - a `busy` refusal (close 4503) waits the server's retry_after, plus jitter, before coming back;
 * - unsent chat lines keep their client_id and are sent again after a reconnect (the server
 *   recognises the retry and only acks it).
 * Every text from the network goes into the page through textContent: nothing is parsed as HTML.
 */
(function () {
  "use strict";

  var root = document.getElementById("live-room");
  if (!root) return;

  var T = JSON.parse(document.getElementById("live-strings").textContent);
  var REACTIONS = JSON.parse(document.getElementById("live-reactions").textContent);
  var ROLE = root.dataset.role;
  var ME = Number(root.dataset.userId);
  var MODERATOR = ROLE === "teacher" || ROLE === "organizer";
  var FATAL = { 4401: "not_logged_in", 4403: "forbidden", 4404: "not_found" };
  var PING_EVERY = 25000;

  var el = function (id) { return document.getElementById(id); };

  // Hooks for the room's other modules (static/js/live-video.js): QiaoLive.on(type, fn) hears
  // every frame of that type from the room's socket, and "hands" after the hands list is drawn
  // ({list, hands}); QiaoLive.send(frame) sends a frame (false while disconnected).
  var hooks = {};
  function emit(type, data) {
    (hooks[type] || []).forEach(function (fn) { try { fn(data); } catch (e) { /* a hook never breaks the room */ } });
  }
  window.QiaoLive = {
    on: function (type, fn) { (hooks[type] = hooks[type] || []).push(fn); },
    send: function (frame) { return send(frame); },
  };
  var chatLog = el("chat-log"), outbox = el("chat-outbox");

  var ws = null;
  var attempt = 0;
  var stopped = false;
  var welcomed = false;
  var lastSeq = 0;          // highest seq shown, with nothing missing below it
  var everWelcomed = false;
  var early = {};           // seq -> message that arrived ahead of a gap
  var resumeAsked = false;
  var pending = [];         // chat lines not yet acked: {client_id, text, node}
  var online = {}, hands = [], questions = {}, polls = {}, removedPeople = {};
  var handCount = 0;        // hands up in the room (protocol 2 sends others only the count)
  var busyWait = 0;         // seconds the server asked us to wait (`busy`), for the next reconnect
  var pendingAsk = null;    // the question sent and not yet acked: {client_id, text}
  var removedShown = false; // the teacher removed us: the room is replaced by what to do now
  var you = null, room = {}, sessionState = document.getElementById("live-state").dataset.state;
  var pingTimer = null, retryTimer = null;
  var welcomedOnce = false; // history shown: later messages are new (unread badge)

  function make(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* Times in the page's language with the calendar the server uses for it: Gregorian in every
     language (Thai too: not the Buddhist year) and Latin digits (qiaocamp/formats/), so that the
     room header says what the home and plan pages say. The clock is the device's own. */
  var LOCALE = (function () {
    var lang = (document.documentElement.lang || "zh-hans").toLowerCase();
    var tag = lang === "zh-hans" ? "zh-Hans" : lang;
    try {
      // A browser without this language's data (Lao in some builds) would print "M12 2, Wed":
      // then the server's text stays, already in the page's language and the person's zone.
      if (!Intl.DateTimeFormat.supportedLocalesOf([tag]).length) return null;
      return tag + "-u-ca-gregory-nu-latn";
    } catch (e) { return null; }
  })();
  var FORMATS = {
    datetime: { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
    time: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
  };

  function localTime(iso, withDate) {
    var d = new Date(iso);
    if (isNaN(d)) return "";
    if (LOCALE === null && withDate) return "";
    try {
      return new Intl.DateTimeFormat(LOCALE || undefined, withDate ? FORMATS.datetime : FORMATS.time).format(d);
    } catch (e) {
      return d.toLocaleString(undefined, withDate ? FORMATS.datetime : FORMATS.time);
    }
  }

  // Session times in the viewer's own clock.
  Array.prototype.forEach.call(document.querySelectorAll("time[data-local]"), function (t) {
    var text = localTime(t.getAttribute("datetime"), t.dataset.local === "datetime");
    if (text) t.textContent = text;
  });

  function setConnection(state) {
    var node = el("live-connection");
    node.dataset.connection = state;
    node.textContent = T[state] || state;
  }

  function notice(text) {
    var node = el("live-notice");
    node.textContent = text || "";
    node.hidden = !text;
  }

  function fill(template, name) { return String(template).split("%(name)s").join(name); }
  function fillWith(template, key, value) { return String(template).split("%(" + key + ")s").join(value); }
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  /* ---------- tabs (phone), unread badges, what changed ---------- */

  // On a phone one panel shows at a time (CSS hides .is-inactive below 900px); wider, all show.
  var tabs = root.querySelectorAll('[role="tab"]');
  var unread = {};

  function panelShown(name) {
    var panel = el("panel-" + name);
    return !!panel && panel.getClientRects().length > 0;
  }

  function setUnread(name, count) {
    unread[name] = count;
    var tab = el("tab-" + name);
    if (!tab) return;
    var badge = tab.querySelector(".badge");
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = !count;
    tab.dataset.unread = String(count);
  }

  function bump(name) {
    if (!panelShown(name)) setUnread(name, (unread[name] || 0) + 1);
  }

  function showTab(name, focus) {
    if (!el("panel-" + name)) return;
    root.dataset.tab = name;
    each(tabs, function (tab) {
      var on = tab.dataset.tab === name;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      if (on && focus) tab.focus();
    });
    each(root.querySelectorAll(".live-panel"), function (panel) {
      panel.classList.toggle("is-inactive", panel.dataset.panel !== name);
    });
    setUnread(name, 0);
    if (name === "chat") chatLog.scrollTop = chatLog.scrollHeight;
  }

  each(tabs, function (tab, index) {
    tab.addEventListener("click", function () { showTab(tab.dataset.tab, false); });
    tab.addEventListener("keydown", function (event) {
      var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      event.preventDefault();
      showTab(tabs[(index + step + tabs.length) % tabs.length].dataset.tab, true);
    });
  });
  if (tabs.length) showTab("chat", false);

  /* Something changed in the room: said in place, above the chat (role=status), with a button to
     the panel it concerns when that panel is not on screen. */
  var announceTimer = null;
  function announce(text, goTab, goLabel) {
    var box = el("live-announce");
    if (!box) return;
    var go = el("live-announce-go");
    el("live-announce-text").textContent = text;
    if (goTab && !panelShown(goTab)) {
      go.textContent = goLabel;
      go.hidden = false;
      go.onclick = function () { showTab(goTab, false); clearAnnounce(); };
    } else {
      go.hidden = true;
      go.onclick = null;
    }
    box.classList.remove("is-empty");
    box.hidden = false;
    clearTimeout(announceTimer);
    announceTimer = setTimeout(clearAnnounce, goTab ? 60000 : 20000);
  }

  function clearAnnounce() {
    var box = el("live-announce");
    if (!box) return;
    el("live-announce-text").textContent = "";
    el("live-announce-go").hidden = true;
    box.classList.add("is-empty");
  }

  /* The line above the message box says why a youth cannot write now (before they try), and
     locks the box while the chat is locked or they are muted. */
  function renderComposer() {
    var state = el("chat-state");
    if (!state) return;
    var text = "", blocked = false;
    if (ROLE === "youth") {
      if (you && you.muted) { text = T.you_muted; blocked = true; }
      else if (sessionState === "ended") { text = T.class_ended; blocked = true; }
      else if (room.locked) { text = T.chat_locked; blocked = true; }
      else if (sessionState !== "live") text = T.chat_waits;
      else if (room.slow_mode) text = fillWith(T.slow_on, "seconds", room.slow_mode);
    } else if (sessionState === "ended") {
      text = T.class_ended;
    }
    state.textContent = text;
    state.hidden = !text;
    var input = el("chat-text"), sendButton = el("chat-send");
    if (input) input.disabled = blocked;
    if (sendButton) sendButton.disabled = blocked;
    // A muted youth cannot raise a hand, and an ended class takes none; lowering one still works.
    each(root.querySelectorAll("[data-hand-toggle]"), function (hand) {
      hand.disabled = ((you && you.muted) || sessionState === "ended") && hand.getAttribute("aria-pressed") !== "true";
    });
    root.dataset.composer = blocked ? "blocked" : "open";
  }

  /* An in-page confirmation (the room's <dialog>): `action` runs only after the OK button. */
  function confirmThen(text, okLabel, action) {
    var box = el("live-confirm");
    if (!box || typeof box.showModal !== "function") {
      if (window.confirm(text)) action();
      return;
    }
    el("live-confirm-text").textContent = text;
    el("live-confirm-ok").textContent = okLabel;
    box.returnValue = "";
    box.onclose = function () { if (box.returnValue === "ok") action(); };
    box.showModal();
    el("live-confirm-cancel").focus();  // the safe choice is the default
  }

  /* The teacher removed us from this class: say so where the room was, and stop. */
  function showRemoved() {
    stopped = true;
    removedShown = true;
    clearTimeout(retryTimer);
    notice("");
    var panel = el("live-removed");
    if (!panel) { notice(T.removed); return; }
    Array.prototype.forEach.call(root.querySelectorAll(".live-grid, .live-actions"), function (node) { node.hidden = true; });
    panel.hidden = false;
    el("live-removed-title").focus();
  }

  function send(payload) {
    if (ws && ws.readyState === WebSocket.OPEN && welcomed) {
      ws.send(JSON.stringify(payload));
      return true;
    }
    return false;
  }

  function newClientId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  /* ---------- connection ---------- */

  function wsUrl() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var path = root.dataset.wsPath;
    return scheme + location.host + path + (path.indexOf("?") < 0 ? "?" : "&") + "v=2";
  }

  function connect() {
    if (stopped) return;
    welcomed = false;
    resumeAsked = false;
    setConnection(everWelcomed ? "reconnecting" : "connecting");
    var socket = new WebSocket(wsUrl());
    ws = socket;
    socket.onmessage = function (event) {
      if (socket !== ws) return;
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      handle(data);
    };
    socket.onclose = function (event) {
      if (socket !== ws) return;
      ws = null;
      welcomed = false;
      clearInterval(pingTimer);
      if (FATAL[event.code]) {
        stopped = true;
        setConnection("reconnecting");
        el("live-connection").textContent = T[FATAL[event.code]];
        if (event.code === 4403 && !removedShown && el("live-notice").hidden) notice(T.forbidden);
        return;
      }
      // 4429: too many frames or connections; come back only after the longest wait.
      if (event.code === 4429) attempt = Math.max(attempt, 6);
      // 4503 after `busy`: the room is full or the server has too many people coming in at once;
      // come back after retry_after seconds, plus up to one more. The server already gives each
      // newcomer it turns away its own place in a queue (whole seconds): the second of jitter
      // spreads the ones given the same second. The usual backoff otherwise.
      if (event.code === 4503 && busyWait > 0) {
        var wait = (busyWait + Math.random()) * 1000;
        busyWait = 0;
        setConnection("reconnecting");
        clearTimeout(retryTimer);
        retryTimer = setTimeout(connect, wait);
        return;
      }
      scheduleReconnect();
    };
    socket.onerror = function () { /* onclose follows */ };
  }

  function scheduleReconnect() {
    if (stopped) return;
    setConnection("reconnecting");
    // 0.5 s, 1 s, 2 s … up to 30 s, with jitter so 250 phones do not come back in one burst.
    var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.75 + Math.random() * 0.5);
    attempt += 1;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, delay);
  }

  // The browser knows first when the network is back: do not wait for the backoff.
  window.addEventListener("online", function () {
    if (!ws && !stopped) { clearTimeout(retryTimer); attempt = 0; connect(); }
  });
  // Tests and the "offline" event: close the socket now rather than wait for a timeout.
  window.addEventListener("offline", function () { if (ws) ws.close(); });
  window.liveRoomDrop = function () { if (ws) ws.close(); };

  /* ---------- frames ---------- */

  function handle(data) {
    emit(data.type, data);
    switch (data.type) {
      case "welcome": return onWelcome(data);
      case "message": return applyMessage(data);
      case "history": return onHistory(data);
      case "reload": stopped = true; return location.reload();
      case "ack": return onAck(data);
      case "deleted": return onDeleted(data.seq);
      case "presence": return onPresence(data);
      case "hand": return onHand(data);
      case "hands": return onHands(data);
      case "busy": busyWait = Math.max(1, Number(data.retry_after) || 1); return;
      case "room": return onRoom(data);
      case "muted": return onMuted(data);
      case "question": return onQuestion(data.question);
      case "poll": return onPoll(data.poll);
      case "reaction": return setReactions(data.seq, data.counts);
      case "reactions": return (data.messages || []).forEach(function (m) { setReactions(m.seq, m.counts); });
      case "report": bump("room"); return addReport(data.report);
      case "reported": return announce(T.reported);
      case "removed":
        stopped = true;
        if (data.reason === "moderator") return showRemoved();
        return notice(T.lost_access);
      case "removal": return onRemoval(data);
      case "cancelled": stopped = true; announce(T.cancelled); return notice(T.cancelled);
      case "pong": if (data.last_seq > lastSeq) askResume(); return;
      case "error": return onError(data);
    }
  }

  function onWelcome(data) {
    welcomed = true;
    attempt = 0;
    setConnection("connected");
    you = data.you;
    room = data.room;
    sessionState = data.session.state;
    online = {};
    data.online.forEach(function (u) { online[u.id] = u; });
    // The welcome lists every raised hand; later the teacher gets the changes and everybody else
    // only the count, so others keep just their own hand and the count.
    handCount = data.hands.length;
    hands = MODERATOR ? data.hands.slice() : data.hands.filter(function (u) { return u.id === data.you.id; });
    questions = {};
    data.questions.forEach(function (q) { questions[q.id] = q; });
    polls = {};
    data.polls.forEach(function (p) { polls[p.id] = p; });
    renderOnline(); renderHands(); renderQuestions(); renderPolls(); renderRoom(); renderComposer();
    if (data.reports) { el("report-list").textContent = ""; data.reports.forEach(addReport); }
    if (data.removed) {
      removedPeople = {};
      data.removed.forEach(function (u) { removedPeople[u.id] = u; });
      renderRemoved();
    }
    if (you.muted) notice(T.you_muted);
    if (!everWelcomed) {
      // First visit: the recent history is enough; older messages are not shown.
      everWelcomed = true;
      if (data.history.length) lastSeq = data.history[0].seq - 1;
      else lastSeq = data.last_seq;
      data.history.forEach(applyMessage);
      chatLog.scrollTop = chatLog.scrollHeight;
    } else if (data.last_seq > lastSeq) {
      // Back after a drop: ask for exactly what we missed.
      askResume();
    }
    welcomedOnce = true;
    flushPending();
    clearInterval(pingTimer);
    pingTimer = setInterval(function () { send({ type: "ping" }); }, PING_EVERY);
  }

  function askResume() {
    if (resumeAsked) return;
    if (send({ type: "resume", after: lastSeq })) resumeAsked = true;
  }

  function onHistory(data) {
    resumeAsked = false;
    data.messages.forEach(applyMessage);
  }

  function applyMessage(m) {
    if (typeof m.seq !== "number") return;
    if (m.seq <= lastSeq) {
      if (m.deleted) onDeleted(m.seq);
      return;
    }
    if (m.seq > lastSeq + 1) {
      early[m.seq] = m;
      askResume();
      return;
    }
    renderMessage(m);
    lastSeq = m.seq;
    while (early[lastSeq + 1]) {
      var next = early[lastSeq + 1];
      delete early[lastSeq + 1];
      renderMessage(next);
      lastSeq = next.seq;
    }
    Object.keys(early).forEach(function (k) { if (Number(k) <= lastSeq) delete early[k]; });
  }

  function renderMessage(m) {
    var li = make("li", "msg");
    li.dataset.seq = m.seq;
    if (m.deleted) {
      li.classList.add("deleted");
      li.hidden = true;
      chatLog.appendChild(li);
      return;
    }
    li.dataset.author = m.author.id;
    if (m.author.role !== "youth") li.classList.add("adult");
    if (m.author.id === ME) li.classList.add("mine");
    var head = make("div", "msg-head");
    head.appendChild(make("span", "msg-author", m.author.name));
    var time = make("time", "msg-time", localTime(m.sent_at));
    time.setAttribute("datetime", m.sent_at);
    head.appendChild(time);
    li.appendChild(head);
    li.appendChild(make("p", "msg-text", m.text));
    var tools = make("div", "msg-tools");
    tools.appendChild(make("span", "msg-reactions"));
    li.appendChild(tools);
    if (hasActions()) {
      // Reactions, report and delete come with one tap on the message (no links on every line).
      li.tabIndex = 0;
      li.classList.add("tappable");
      li.setAttribute("aria-description", T.tap_for_actions);
      li.addEventListener("click", function (event) {
        if (event.target.closest(".msg-actions")) return;
        toggleActions(li, m);
      });
      li.addEventListener("keydown", function (event) {
        if (event.target !== li || (event.key !== "Enter" && event.key !== " ")) return;
        event.preventDefault();
        toggleActions(li, m);
      });
    }
    var atBottom = chatLog.scrollHeight - chatLog.scrollTop - chatLog.clientHeight < 80;
    chatLog.appendChild(li);
    if (m.reactions) setReactions(m.seq, m.reactions);
    // Follow the conversation inside the log (never scroll the page away from what the youth reads).
    if (atBottom || m.author.id === ME) chatLog.scrollTop = chatLog.scrollHeight;
    if (welcomedOnce && m.author.id !== ME) bump("chat");
  }

  function hasActions() {
    return ROLE !== "coordinator";
  }

  var openActions = null;  // the one message whose actions are shown

  function closeActions() {
    if (!openActions) return;
    openActions.li.classList.remove("open");
    openActions.box.remove();
    openActions = null;
  }

  function toggleActions(li, m) {
    var again = openActions && openActions.li === li;
    closeActions();
    if (again || li.classList.contains("deleted")) return;
    var box = make("div", "msg-actions");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", T.message_actions);
    REACTIONS.forEach(function (emoji) {
      var b = make("button", "react", emoji);
      b.type = "button";
      b.dataset.action = "react";
      b.setAttribute("aria-label", T.react + " " + emoji);
      b.addEventListener("click", function () { send({ type: "react", seq: m.seq, emoji: emoji }); closeActions(); });
      box.appendChild(b);
    });
    if (MODERATOR) {
      var del = make("button", "secondary", T["delete"]);
      del.type = "button";
      del.dataset.action = "delete";
      del.addEventListener("click", function () { send({ type: "moderate", action: "delete", seq: m.seq }); closeActions(); });
      box.appendChild(del);
    } else if (ROLE === "youth" && m.author.id !== ME) {
      var rep = make("button", "secondary", T.report);
      rep.type = "button";
      rep.dataset.action = "report";
      rep.addEventListener("click", function () { send({ type: "report", seq: m.seq }); closeActions(); });
      box.appendChild(rep);
    }
    li.appendChild(box);
    li.classList.add("open");
    openActions = { li: li, box: box };
    var first = box.querySelector("button");
    if (first) first.focus({ preventScroll: true });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !openActions) return;
    var li = openActions.li;
    closeActions();
    li.focus({ preventScroll: true });
  });

  function onDeleted(seq) {
    var li = chatLog.querySelector('li[data-seq="' + Number(seq) + '"]');
    if (!li) return;  // not shown yet: it will come as a tombstone
    if (openActions && openActions.li === li) closeActions();
    li.textContent = "";
    li.className = "msg deleted";
    li.hidden = true;
  }

  function setReactions(seq, counts) {
    var li = chatLog.querySelector('li[data-seq="' + Number(seq) + '"] .msg-reactions');
    if (!li) return;
    li.textContent = Object.keys(counts || {}).map(function (e) { return e + " " + counts[e]; }).join("  ");
  }

  /* ---------- sending chat ---------- */

  // A line is sent at most this many times (first send, resends after reconnects and after
  // rate_limited) without an ack: a line the server cannot take (it closed the socket on it) must
  // not be resent on every reconnect for ever.
  var MAX_TRIES = 4;

  function sendPending(p) {
    if ((p.tries || 0) >= MAX_TRIES) return giveUp(p, T.err_bad_request);
    if (!send({ type: "chat", text: p.text, client_id: p.client_id })) return false;
    p.tries = (p.tries || 0) + 1;  // counted only when it went out (offline sends are not tries)
    return true;
  }

  function flushPending() {
    pending.slice().forEach(sendPending);
  }

  /* A line the server refused (or will not take): out of the outbox, back into its box if that is
     empty so that it can be changed and sent again, else marked failed. It is never resent. */
  function giveUp(item, text) {
    pending = pending.filter(function (p) { return p !== item; });
    var input = el("chat-text");
    if (input && !input.value.trim()) {
      item.node.remove();
      input.value = item.text;
    } else {
      item.node.classList.add("failed");
      item.node.querySelector(".msg-state").textContent = text;
      setTimeout(function () { item.node.remove(); }, 8000);
    }
    fieldError("chat-error", text);
    return false;
  }

  function onAck(data) {
    if (pendingAsk && data.client_id === pendingAsk.client_id) {
      var ask = el("ask-text");
      if (ask && ask.value.trim() === pendingAsk.text) ask.value = "";
      pendingAsk = null;
      return;
    }
    pending = pending.filter(function (p) {
      if (p.client_id !== data.client_id) return true;
      p.node.remove();
      return false;
    });
  }

  function onError(data) {
    // blocked_content says why (reason: word, link or contact), each with its own kind text.
    var text = (data.reason && T["err_" + data.code + "_" + data.reason]) || T["err_" + data.code] || data.detail;
    if (pendingAsk && data.client_id === pendingAsk.client_id) {
      // The question stays in its box, with the reason beside it, until it is changed.
      pendingAsk = null;
      return fieldError("ask-error", text);
    }
    var item = null;
    pending.forEach(function (p) { if (p.client_id === data.client_id) item = p; });
    if (item && data.code === "rate_limited") {
      // Keep it and try again when the server says we may (a few times at most: sendPending).
      setTimeout(function () { if (pending.indexOf(item) >= 0) sendPending(item); },
        (data.retry_after || 1) * 1000);
      return;
    }
    if (item) return giveUp(item, text);
    var box = el("chat-error");
    if (box) {
      box.textContent = text; box.hidden = false;
      setTimeout(function () { if (box.textContent === text) box.hidden = true; }, 6000);
    } else {
      notice(text);
    }
  }

  /* A refusal of what is in a text box: shown beside the box until the text changes. */
  function fieldError(id, text) {
    var box = el(id);
    if (!box) return notice(text);
    box.textContent = text;
    box.hidden = false;
  }

  function clearFieldError(id) {
    var box = el(id);
    if (box) { box.hidden = true; box.textContent = ""; }
  }

  var chatForm = el("chat-form");
  if (chatForm) {
    var input = el("chat-text");
    chatForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      var item = { client_id: newClientId(), text: text, node: make("li", "msg pending") };
      item.node.appendChild(make("p", "msg-text", text));
      item.node.appendChild(make("span", "msg-state muted", T.sending));
      outbox.appendChild(item.node);
      pending.push(item);
      clearFieldError("chat-error");
      sendPending(item);
      input.value = "";
      input.focus();
    });
    input.addEventListener("input", function () { clearFieldError("chat-error"); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        chatForm.requestSubmit();
      }
    });
    // The box grows with its text, up to a few lines (then it scrolls).
    input.addEventListener("input", function () {
      input.style.height = "auto";
      input.style.height = Math.min(input.scrollHeight + 2, 140) + "px";
    });
    // Opening the keyboard must not hide the box: keep the form in view once the keyboard is up.
    input.addEventListener("focus", function () {
      setTimeout(function () { chatForm.scrollIntoView({ block: "nearest" }); }, 300);
    });
  }

  /* The composer sits above the on-screen keyboard: the keyboard's height (what the visual
     viewport lost at the bottom) lifts the sticky form (CSS var --kb). */
  if (window.visualViewport) {
    var viewport = window.visualViewport;
    var keyboard = function () {
      var covered = window.innerHeight - viewport.height - viewport.offsetTop;
      root.style.setProperty("--kb", Math.max(0, Math.round(covered)) + "px");
    };
    viewport.addEventListener("resize", keyboard);
    viewport.addEventListener("scroll", keyboard);
    keyboard();
  }

  /* ---------- people ---------- */

  function personItem(user) {
    var li = make("li");
    li.dataset.userId = user.id;
    li.appendChild(make("span", "person-name", user.name));
    if (user.role !== "youth") li.appendChild(make("span", "person-role muted", " · " + (T["role_" + user.role] || user.role)));
    return li;
  }

  function renderOnline() {
    var list = el("online-list");
    list.textContent = "";
    var users = Object.keys(online).map(function (k) { return online[k]; });
    users.sort(function (a, b) { return a.name.localeCompare(b.name); });
    users.forEach(function (u) {
      var li = personItem(u);
      if (MODERATOR && u.role !== "teacher" && u.role !== "organizer") {
        [["mute", "mute"], ["unmute", "unmute"], ["remove", "remove"]].forEach(function (a) {
          var b = make("button", "link", T[a[1]]);
          b.type = "button";
          b.dataset.action = a[0];
          b.addEventListener("click", function () {
            var act = function () { send({ type: "moderate", action: a[0], user_id: u.id }); };
            if (a[0] === "remove") confirmThen(fill(T.confirm_remove, u.name), T.remove, act);
            else act();
          });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(b);
        });
      }
      list.appendChild(li);
    });
    el("online-count").textContent = users.length;
  }

  function renderRemoved() {
    var list = el("removed-list");
    if (!list) return;
    list.textContent = "";
    var users = Object.keys(removedPeople).map(function (k) { return removedPeople[k]; });
    users.sort(function (a, b) { return a.name.localeCompare(b.name); });
    users.forEach(function (u) {
      var li = personItem(u);
      var b = make("button", "link", T.readmit);
      b.type = "button";
      b.dataset.action = "readmit";
      b.addEventListener("click", function () { send({ type: "moderate", action: "readmit", user_id: u.id }); });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(b);
      list.appendChild(li);
    });
    el("removed-none").hidden = users.length > 0;
  }

  function onRemoval(data) {
    if (data.removed) {
      removedPeople[data.user.id] = data.user;
    } else if (removedPeople[data.user.id]) {
      delete removedPeople[data.user.id];
      notice(fill(T.readmitted, data.user.name));
    }
    renderRemoved();
  }

  function onPresence(data) {
    if (data.action === "join") online[data.user.id] = data.user;
    else if (data.action === "leave") delete online[data.user.id];
    else if (data.action === "batch") {
      // Several changes of one second, each person once: who left, who came.
      (data.leave || []).forEach(function (u) { delete online[u.id]; });
      (data.join || []).forEach(function (u) { online[u.id] = u; });
    }
    renderOnline();
  }

  function renderHands() {
    var list = el("hand-list");
    list.textContent = "";
    hands.forEach(function (u) {
      var li = personItem(u);
      if (MODERATOR) {
        var b = make("button", "link", T.lower);
        b.type = "button";
        b.addEventListener("click", function () { send({ type: "hand", raised: false, user_id: u.id }); });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(b);
      }
      list.appendChild(li);
    });
    emit("hands", { list: list, hands: hands, count: MODERATOR ? hands.length : handCount });
    var raisedCount = MODERATOR ? hands.length : Math.max(handCount, hands.length);
    var none = el("hands-none");
    if (none) none.hidden = raisedCount > 0;
    // Everybody but the teacher sees how many hands are up (the names are the teacher's).
    var count = el("hand-count");
    if (!MODERATOR) {
      if (!count) {
        count = make("p", "muted hand-count");
        count.id = "hand-count";
        list.parentNode.insertBefore(count, list.nextSibling);
      }
      count.hidden = raisedCount === 0;
      count.textContent = "✋ " + raisedCount;
    }
    if (!you) return;
    var up = hands.some(function (u) { return u.id === you.id; });
    // Two buttons, one hand: beside the message box and in the hands tab.
    each(root.querySelectorAll("[data-hand-toggle]"), function (toggle) {
      toggle.setAttribute("aria-pressed", up ? "true" : "false");
      toggle.textContent = "";
      toggle.appendChild(make("span", "hand-icon", "✋")).setAttribute("aria-hidden", "true");
      toggle.appendChild(make("span", "hand-label", up ? T.lower : T.raise));
    });
  }

  function onHands(data) {
    // Protocol 2: the count for everybody; for the teacher and organizers also whose hands went up
    // and down since the last one.
    handCount = data.count;
    var changed = false;
    (data.lowered || []).forEach(function (u) {
      hands = hands.filter(function (h) { return h.id !== u.id; });
    });
    (data.raised || []).forEach(function (u) {
      hands = hands.filter(function (h) { return h.id !== u.id; });
      hands.push(u);
      changed = true;
    });
    renderHands();
    renderComposer();
    if (changed && MODERATOR) bump("hands");
  }

  function onHand(data) {
    // Protocol 2 sends `hand` to the teacher never and to everybody else for their own hand only
    // (the count comes in `hands`, just before).
    hands = hands.filter(function (u) { return u.id !== data.user.id; });
    if (data.raised) hands.push(data.user);
    renderHands();
    renderComposer();
    if (data.raised && MODERATOR) bump("hands");
    // A youth whose hand the teacher lowered is told so (the button changed under their thumb).
    if (!data.raised && you && data.user.id === you.id && ROLE === "youth") announce(T.hand_lowered);
  }

  each(root.querySelectorAll("[data-hand-toggle]"), function (handToggle) {
    handToggle.addEventListener("click", function () {
      send({ type: "hand", raised: handToggle.getAttribute("aria-pressed") !== "true" });
    });
  });

  function onMuted(data) {
    if (you && data.user.id === you.id) {
      you.muted = data.muted;
      notice(data.muted ? T.you_muted : "");
      if (!data.muted) announce(T.you_unmuted);
      renderComposer();
    }
  }

  /* ---------- room state ---------- */

  function renderRoom() {
    var badge = el("live-state");
    badge.dataset.state = sessionState;
    badge.className = "status " + sessionState;
    badge.textContent = T["state_" + sessionState] || sessionState;
    var start = root.querySelector('[data-live-control="start"]');
    var end = root.querySelector('[data-live-control="end"]');
    var over = sessionState === "ended" || sessionState === "cancelled";
    if (start) start.hidden = sessionState === "live" || over;
    if (end) end.hidden = over;
    // A class taken off the plan: the teacher and organizers stay to read it, and are told why.
    if (sessionState === "cancelled" && !el("live-cancelled")) notice(T.cancelled);
    var lock = el("ctl-lock"), links = el("ctl-links"), slow = el("ctl-slow");
    if (lock) lock.checked = !!room.locked;
    if (links) links.checked = !!room.links_allowed;
    if (slow) {
      var value = String(room.slow_mode || 0);
      if (!slow.querySelector('option[value="' + value + '"]')) slow.appendChild(make("option", null, value)).value = value;
      slow.value = value;
    }
    root.dataset.locked = room.locked ? "true" : "false";
  }

  function onRoom(data) {
    var before = { state: sessionState, locked: !!room.locked, slow_mode: room.slow_mode || 0 };
    sessionState = data.state;
    room = { locked: data.locked, slow_mode: data.slow_mode, links_allowed: data.links_allowed };
    renderRoom();
    renderComposer();
    announceRoomChange(before);
  }

  /* The room's state and rules changed: say it in place, so nobody finds out by a refusal. */
  function announceRoomChange(before) {
    if (sessionState !== before.state) {
      if (sessionState === "live") return announce(T.class_started);
      if (sessionState === "ended") return announce(T.class_ended);
      if (sessionState === "open" && before.state === "scheduled") return announce(T.room_opened);
    }
    if (!!room.locked !== before.locked) return announce(room.locked ? T.chat_locked : T.chat_unlocked);
    var slow = room.slow_mode || 0;
    if (slow !== before.slow_mode) announce(slow ? fillWith(T.slow_on, "seconds", slow) : T.slow_off);
  }

  if (MODERATOR) {
    el("ctl-lock").addEventListener("change", function (e) {
      send({ type: "moderate", action: e.target.checked ? "lock" : "unlock" });
    });
    el("ctl-links").addEventListener("change", function (e) {
      send({ type: "moderate", action: "links", allowed: e.target.checked });
    });
    el("ctl-slow").addEventListener("change", function (e) {
      send({ type: "moderate", action: "slow_mode", seconds: Number(e.target.value) });
    });
    // Start/end over the socket when it is up; the forms still work without JavaScript.
    // Ending asks first: it ends the class for everybody.
    Array.prototype.forEach.call(root.querySelectorAll("[data-live-control]"), function (form) {
      var action = form.dataset.liveControl;
      var go = function () { if (!send({ type: "moderate", action: action })) form.submit(); };
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (action === "end") confirmThen(T.confirm_end, T.end, go);
        else go();
      });
    });
  }

  /* ---------- questions ---------- */

  function onQuestion(q) {
    var isNew = !questions[q.id];
    upsertQuestion(q);
    if (isNew && q.author.id !== ME) bump("questions");
    // The youth's own question answered: they hear it even on another tab.
    if (!isNew && q.answered && q.author.id === ME && ROLE === "youth") announce(T.your_question_answered, "questions", T.go_questions);
  }

  function upsertQuestion(q) {
    questions[q.id] = Object.assign({}, questions[q.id] || {}, q);
    renderQuestions();
  }

  function renderQuestions() {
    var list = el("question-list");
    list.textContent = "";
    var all = Object.keys(questions).map(function (k) { return questions[k]; });
    all.sort(function (a, b) {
      if (a.answered !== b.answered) return a.answered ? 1 : -1;
      return (b.upvotes - a.upvotes) || (a.asked_at < b.asked_at ? -1 : 1);
    });
    all.forEach(function (q) {
      var li = make("li", q.answered ? "answered" : "");
      li.appendChild(make("p", "q-text", q.text));
      li.appendChild(make("span", "muted", q.author.name + " · +" + q.upvotes + (q.answered ? " · " + T.answered : "")));
      if (!q.answered && ROLE !== "coordinator" && q.author.id !== ME) {
        var up = make("button", "link", T.upvote);
        up.type = "button";
        up.addEventListener("click", function () { send({ type: "upvote", question_id: q.id }); });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(up);
      }
      if (!q.answered && MODERATOR) {
        var ans = make("button", "link", T.answer);
        ans.type = "button";
        ans.addEventListener("click", function () { send({ type: "answer", question_id: q.id }); });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(ans);
      }
      list.appendChild(li);
    });
  }

  // A question stays in its box until the server has it (ack): a refusal shows beside the box.
  var askForm = el("ask-form");
  if (askForm) {
    var askInput = el("ask-text");
    askForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = askInput.value.trim();
      if (!text) return;
      clearFieldError("ask-error");
      // The same text again (a double tap, no answer yet) is the same question: same client_id.
      if (!pendingAsk || pendingAsk.text !== text) pendingAsk = { client_id: newClientId(), text: text };
      if (!send({ type: "ask", text: text, client_id: pendingAsk.client_id })) fieldError("ask-error", T.reconnecting);
    });
    askInput.addEventListener("input", function () { clearFieldError("ask-error"); });
  }

  /* ---------- polls ---------- */

  function onPoll(p) {
    var known = polls[p.id];
    upsertPoll(p);
    if (!known && !p.closed) {
      bump("polls");
      if (!MODERATOR) announce(fillWith(T.poll_opened, "question", p.question), "polls", T.go_vote);
    } else if (known && !known.closed && p.closed) {
      if (!MODERATOR) announce(fillWith(T.poll_closed_note, "question", p.question), "polls", T.go_poll);
    }
  }

  function upsertPoll(p) {
    var voted = polls[p.id] ? polls[p.id].voted : null;
    polls[p.id] = Object.assign({ voted: voted }, p);
    if (p.voted === undefined) polls[p.id].voted = voted;
    renderPolls();
  }

  function renderPolls() {
    var box = el("poll-list");
    box.textContent = "";
    var none = el("polls-none");
    if (none) none.hidden = Object.keys(polls).length > 0;
    Object.keys(polls).map(function (k) { return polls[k]; }).reverse().forEach(function (p) {
      var card = make("fieldset", "poll" + (p.closed ? " closed" : ""));
      card.appendChild(make("legend", null, p.question + (p.closed ? " (" + T.closed + ")" : "")));
      var total = p.counts.reduce(function (a, b) { return a + b; }, 0);
      p.options.forEach(function (option, i) {
        var row = make("div", "poll-option");
        var canVote = !p.closed && ROLE !== "coordinator" && (p.voted === null || p.voted === undefined);
        var label = option + " — " + p.counts[i] + " " + T.votes;
        if (canVote) {
          var b = make("button", "secondary", label);
          b.type = "button";
          b.addEventListener("click", function () {
            if (send({ type: "vote", poll_id: p.id, option: i })) { p.voted = i; renderPolls(); }
          });
          row.appendChild(b);
        } else {
          row.appendChild(make("span", p.voted === i ? "voted" : "", label));
        }
        var bar = make("meter");
        bar.max = total || 1;
        bar.value = p.counts[i];
        row.appendChild(bar);
        card.appendChild(row);
      });
      if (MODERATOR && !p.closed) {
        var close = make("button", "link", T.close_poll);
        close.type = "button";
        close.addEventListener("click", function () { send({ type: "poll_close", poll_id: p.id }); });
        card.appendChild(close);
      }
      box.appendChild(card);
    });
  }

  var pollForm = el("poll-form");
  if (pollForm) {
    pollForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var options = el("poll-options").value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
      if (send({ type: "poll_open", question: el("poll-question").value.trim(), options: options })) pollForm.reset();
    });
  }

  /* ---------- reports (moderators) ---------- */

  function addReport(r) {
    var list = el("report-list");
    if (!list) return;
    var li = make("li");
    li.appendChild(make("p", "q-text", "#" + r.seq + " " + r.author.name + ": " + r.text));
    li.appendChild(make("span", "muted", r.reporter.name + (r.reason ? " — " + r.reason : "")));
    list.insertBefore(li, list.firstChild);
  }

  connect();
})();
