// The operator's and supervisor's screens: the contact centre's WebSocket (offers, chat,
// the live queue), the call timer and the one-screen form's behaviour. No library.
(function () {
  "use strict";
  var connection = document.getElementById("connection");
  var offers = document.getElementById("offers");
  var transcript = document.getElementById("transcript");
  var replyForm = document.getElementById("reply-form");
  var socket = null;
  var retry = 500;
  var refreshTimer = null;

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }

  function setConnected(online) {
    if (!connection) return;
    connection.textContent = online ? connection.dataset.online : connection.dataset.offline;
    connection.dataset.state = online ? "online" : "offline";
  }

  function appendMessage(sender, label, body, id) {
    if (!transcript) return;
    if (id && transcript.querySelector('[data-id="' + id + '"]')) return;  // shown already
    var item = document.createElement("li");
    item.className = "msg msg-" + sender;
    if (id) item.dataset.id = id;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = label;
    var text = document.createElement("p");
    text.textContent = body;
    item.appendChild(who);
    item.appendChild(text);
    transcript.appendChild(item);
    item.scrollIntoView({block: "end"});
  }

  function onPush(data) {
    if (data.kind === "offer" && offers) {
      var empty = offers.querySelector(".empty");
      if (empty) empty.remove();
      var old = offers.querySelector('[data-conversation="' + data.conversation + '"]');
      if (old) old.remove();
      offers.insertAdjacentHTML("afterbegin", data.html);
      offers.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
        input.value = csrfToken();
      });
      document.title = "● " + document.title.replace(/^● /, "");
    } else if (data.kind === "gone" || data.kind === "ended") {
      if (offers) {
        var offer = offers.querySelector('[data-conversation="' + data.conversation + '"]');
        if (offer) offer.remove();
      }
      var bar = document.querySelector('.call-bar[data-conversation="' + data.conversation + '"]');
      if (bar && data.kind === "ended") {
        stopTimer();
        var state = document.getElementById("conversation-state");
        if (state) state.textContent = state.dataset.ended || state.textContent;
        var end = document.getElementById("end-form");
        if (end) end.hidden = true;
        if (replyForm) replyForm.hidden = true;
      }
    } else if (data.kind === "message") {
      if (transcript && String(data.conversation) === transcript.dataset.conversation) {
        appendMessage(data.sender, data.sender === "caller" ? "⟵" : "⟶", data.body, data.id);
      }
    } else if (data.kind === "sent") {
      if (transcript && String(data.conversation) === transcript.dataset.conversation) {
        appendMessage("operator", "⟶", data.body, data.id);
      }
    } else if (data.kind === "refused") {
      window.alert(data.text);
    } else if (data.kind === "refresh") {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(function () {
        if (window.htmx) window.htmx.trigger(document.body, "cc-refresh");
      }, 200);
    }
  }

  // Messages stored between the page's rendering and the socket's opening (or while it was
  // down) were pushed to nobody: read them from the API.
  function catchUp() {
    if (!transcript) return;
    var last = 0;
    transcript.querySelectorAll("[data-id]").forEach(function (item) {
      last = Math.max(last, Number(item.dataset.id));
    });
    fetch("/api/contact-centre/conversations/" + transcript.dataset.conversation + "/messages/?after=" + last,
          {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (found) {
        found.forEach(function (m) {
          if (m.sender !== "system") appendMessage(m.sender, m.sender === "caller" ? "⟵" : "⟶", m.body, m.id);
        });
      });
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/contact-centre/");
    socket.onopen = function () { retry = 500; setConnected(true); catchUp(); };
    socket.onmessage = function (event) { onPush(JSON.parse(event.data)); };
    socket.onclose = function () {
      setConnected(false);
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }
  connect();
  setInterval(function () {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send('{"type":"ping"}');
  }, 30000);

  if (replyForm) {
    var replyBody = document.getElementById("reply-body");
    replyForm.addEventListener("submit", function (event) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return;  // the form posts instead
      event.preventDefault();
      var text = replyBody.value.trim();
      if (!text) return;
      socket.send(JSON.stringify({type: "message", conversation: Number(transcript.dataset.conversation), body: text}));
      replyBody.value = "";
    });
    replyBody.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        replyForm.requestSubmit();
      }
    });
  }

  // --- Shortcuts: Alt+<letter> activates the element marked data-shortcut="<letter>" (the
  // first visible one: the oldest offer, the form's Save). Handled here rather than by
  // accesskey, whose modifier differs by browser and system.
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.key.length !== 1) return;
    var letter = event.key.toLowerCase();
    var targets = document.querySelectorAll('[data-shortcut="' + letter + '"]');
    for (var i = 0; i < targets.length; i++) {
      if (targets[i].offsetParent !== null) {
        event.preventDefault();
        targets[i].focus();
        targets[i].click();
        return;
      }
    }
  });

  // --- The timer: from when the contact was taken until it ends or is saved. ---
  var timer = document.getElementById("call-timer");
  var ticking = null;
  var started = timer ? new Date(timer.dataset.started) : null;
  var stoppedAt = timer && timer.dataset.stopped ? new Date(timer.dataset.stopped) : null;
  var durationField = document.querySelector("[data-timer-field]");
  function elapsed() {
    return Math.max(0, Math.round(((stoppedAt || new Date()) - started) / 1000));
  }
  function show() {
    var s = elapsed();
    var text = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    if (s >= 3600) text = Math.floor(s / 3600) + ":" + String(Math.floor(s / 60) % 60).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
    timer.textContent = text;
  }
  function stopTimer() {
    if (!timer) return;
    if (!stoppedAt) stoppedAt = new Date();
    clearInterval(ticking);
    show();
    timer.dataset.state = "stopped";
    if (durationField && !durationField.value) durationField.value = elapsed();
  }
  if (timer && !isNaN(started)) {
    show();
    if (!stoppedAt) ticking = setInterval(show, 1000);
    document.querySelectorAll("[data-stop-timer]").forEach(function (button) {
      button.addEventListener("click", stopTimer);
    });
  }

  // --- The one-screen form. ---
  var callForm = document.getElementById("call-form");
  if (callForm) {
    var startedField = callForm.querySelector("input[name=started_at]");
    if (startedField && !startedField.value && started) startedField.value = started.toISOString();
    var subject = document.getElementById("id_subject");
    var child = document.getElementById("child-section");
    var toggle = function () {
      var isNew = subject && subject.value === "new_disappearance";
      if (child) child.hidden = !isNew;
      callForm.querySelectorAll("[data-when-new]").forEach(function (el) { el.hidden = !isNew; });
      callForm.querySelectorAll("[data-when-other]").forEach(function (el) { el.hidden = isNew; });
    };
    if (subject) subject.addEventListener("change", toggle);
    toggle();
    callForm.addEventListener("submit", function () {
      if (durationField && !durationField.value) durationField.value = elapsed();
    });
  }
})();
