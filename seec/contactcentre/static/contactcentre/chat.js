// The public chat with a 116 000 hotline. No library, nothing kept beyond this tab.
(function () {
  "use strict";
  var KEY = "seec-chat-key";
  var startForm = document.getElementById("start");
  var chat = document.getElementById("chat");
  var list = document.getElementById("messages");
  var status = document.getElementById("status");
  var sendForm = document.getElementById("send");
  var body = document.getElementById("body");
  var sendError = document.getElementById("send-error");
  var socket = null;
  var ended = false;
  var retry = 500;

  function quickExit(event) {
    if (event) event.preventDefault();
    try { sessionStorage.clear(); } catch (e) { /* private mode */ }
    if (socket) socket.close();
    document.body.innerHTML = "";
    // replace(): the back button does not come back here.
    window.location.replace("https://www.google.com/");
  }
  document.getElementById("quick-exit").addEventListener("click", quickExit);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") quickExit(event);
  });

  function setStatus(name) {
    status.textContent = status.dataset[name] || "";
    status.dataset.state = name;
  }

  function add(sender, text) {
    var item = document.createElement("li");
    var mine = sender === "caller";
    item.className = mine ? "mine" : "theirs";
    item.setAttribute("aria-label", mine ? list.dataset.you : list.dataset.hotline);
    item.textContent = text;
    list.appendChild(item);
    item.scrollIntoView({block: "end"});
  }

  function connect() {
    var key = sessionStorage.getItem(KEY);
    if (!key) return;
    startForm.hidden = true;
    chat.hidden = false;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/help-chat/");
    socket.onopen = function () {
      retry = 500;
      socket.send(JSON.stringify({type: "hello", key: key}));
    };
    socket.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (data.kind === "hello") {
        list.textContent = "";
        data.transcript.forEach(function (m) { add(m.sender, m.body); });
        if (data.state === "ended" || data.state === "abandoned") finish();
        else setStatus(data.state === "answered" ? "answered" : "waiting");
      } else if (data.kind === "message") {
        add(data.sender, data.body);
      } else if (data.kind === "answered") {
        setStatus("answered");
      } else if (data.kind === "ended") {
        finish();
      } else if (data.kind === "refused") {
        sendError.textContent = data.text;
        sendError.hidden = false;
      } else if (data.kind === "unknown") {
        sessionStorage.removeItem(KEY);
        ended = true;
        startForm.hidden = false;
        chat.hidden = true;
      }
    };
    socket.onclose = function () {
      if (ended) return;
      setStatus("offline");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }

  function finish() {
    ended = true;
    setStatus("ended");
    sendForm.hidden = true;
    document.getElementById("leave").hidden = true;
    sessionStorage.removeItem(KEY);
  }

  startForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var error = document.getElementById("start-error");
    error.hidden = true;
    fetch(startForm.action, {
      method: "POST",
      body: new FormData(startForm),
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (result) {
      if (!result.ok) {
        var errors = result.data.errors || {};
        error.textContent = Object.keys(errors).map(function (k) {
          return errors[k].map(function (e) { return e.message; }).join(" ");
        }).join(" ");
        error.hidden = false;
        return;
      }
      sessionStorage.setItem(KEY, result.data.key);
      ended = false;
      connect();
      body.focus();
    });
  });

  sendForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = body.value.trim();
    if (!text || !socket || socket.readyState !== WebSocket.OPEN) return;
    sendError.hidden = true;
    socket.send(JSON.stringify({type: "message", body: text}));
    add("caller", text);
    body.value = "";
  });
  body.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      sendForm.requestSubmit();
    }
  });
  document.getElementById("leave").addEventListener("click", function () {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({type: "leave"}));
  });

  connect();
})();
