/* Lifeline messenger: conversation list, history, composer and live updates over /ws/chat/.
 * Writes go through the REST API; the socket only brings events (and relays "typing").
 * Message text is always inserted with textContent: links are built as elements. */
(function () {
  "use strict";

  var root = document.querySelector("[data-chat]");
  var configNode = document.getElementById("chat-config");
  if (!root || !configNode) return;
  var cfg = JSON.parse(configNode.textContent);
  var S = cfg.strings;
  var csrf = (root.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";

  var $ = function (sel) { return root.querySelector(sel); };
  var listEl = $("[data-conversation-list]");
  var mainEl = $("[data-conversation]");
  var messagesEl = $("[data-messages]");
  var composer = $("[data-composer]");
  var textEl = $("[data-text]");
  var errorEl = $("[data-error]");
  var panelEl = $("[data-panel]");
  var typingEl = $("[data-typing]");
  var presenceEl = $("[data-presence]");
  var earlierBtn = $("[data-earlier]");
  var awaitingFilter = $("[data-awaiting-filter]");
  var placeholderEl = $("[data-placeholder]");
  var previewEl = $("[data-preview]");
  var previewMedia = $("[data-preview-media]");
  var previewSend = $("[data-preview-send]");

  var state = { conversations: [], current: null, next: null, replyTo: null, socket: null };

  // --- HTTP ---------------------------------------------------------------------------------
  function api(path, options) {
    options = options || {};
    var headers = { "X-CSRFToken": csrf, "Accept": "application/json" };
    var body = options.body;
    if (body && !(body instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(body);
    }
    var url = path.indexOf("/") === 0 ? path : cfg.api + path;
    return fetch(url, {
      method: options.method || "GET", headers: headers, body: body, credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (problem) {
          var error = new Error(problem.detail || problem.title || S.error);
          error.problem = problem;
          throw error;
        });
      }
      return response.json();
    });
  }

  // --- rendering helpers --------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  var URL_RE = /\bhttps?:\/\/[^\s<>"']+/g;
  function linkify(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(URL_RE, function (url, index) {
      fragment.appendChild(document.createTextNode(text.slice(last, index)));
      fragment.appendChild(el("a", {
        href: url, text: url, rel: "noopener noreferrer nofollow", target: "_blank"
      }));
      last = index + url.length;
      return url;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function formatTime(iso) {
    if (!iso) return "";
    // The pages' short date-time (Django's SHORT_DATETIME_FORMAT): "07.12.2026 12:21" in
    // Russian, date and time joined by a space, with the year, as on every other page.
    var date = new Date(iso);
    var lang = document.documentElement.lang || undefined;
    return date.toLocaleDateString(lang, { day: "2-digit", month: "2-digit", year: "numeric" }) +
      " " + date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  }

  // A duration in the page's language ("5 мин", "5 min"); under a minute counts as one.
  function formatWait(seconds) {
    var lang = document.documentElement.lang || undefined;
    function unit(value, name) {
      try {
        return new Intl.NumberFormat(lang, { style: "unit", unit: name, unitDisplay: "short" }).format(value);
      } catch (error) {
        return value + " " + name;
      }
    }
    var minutes = Math.max(1, Math.floor(seconds / 60));
    if (minutes < 60) return unit(minutes, "minute");
    var hours = Math.floor(minutes / 60);
    if (hours < 48) return unit(hours, "hour");
    return unit(Math.floor(hours / 24), "day");
  }

  // --- conversation list --------------------------------------------------------------------
  function loadConversations() {
    var query = awaitingFilter && awaitingFilter.checked ? "?awaiting_reply=true" : "";
    return api("conversations/" + query).then(function (page) {
      state.conversations = page.results;
      renderList();
    });
  }

  function renderList() {
    listEl.textContent = "";
    if (!state.conversations.length) {
      listEl.appendChild(el("li", { className: "chat__empty", text: S.no_conversations }));
      return;
    }
    state.conversations.forEach(function (c) {
      var name = cfg.is_patient ? c.doctor.name : c.patient.full_name;
      var meta = [c.topic_label || c.subject || ""];
      if (c.waiting_seconds !== null && !cfg.is_patient) {
        meta.push((c.overdue ? S.overdue : S.waiting) + " " + formatWait(c.waiting_seconds));
      }
      var button = el("button", {
        type: "button", className: "chat__item" + (c.overdue ? " chat__item--overdue" : ""),
        "data-conversation-id": c.id,
        "aria-current": state.current && state.current.id === c.id ? "true" : "false"
      }, [
        el("span", { className: "chat__item-name", text: name }),
        el("span", { className: "chat__item-meta", text: meta.filter(Boolean).join(" · ") }),
        c.unread_count ? el("span", {
          className: "chat__badge", "data-unread": c.unread_count,
          "aria-label": c.unread_count + " " + S.unread, text: String(c.unread_count)
        }) : null
      ]);
      button.addEventListener("click", function () { openConversation(c.id); });
      listEl.appendChild(el("li", {}, [button]));
    });
  }

  // --- one conversation ---------------------------------------------------------------------
  function openConversation(id) {
    return api("conversations/" + id + "/").then(function (conversation) {
      state.current = conversation;
      state.replyTo = null;
      $("[data-replying]").hidden = true;
      closePreview();
      mainEl.hidden = false;
      if (placeholderEl) placeholderEl.hidden = true;
      root.classList.add("chat--open");
      var title = cfg.is_patient ? S.you + " · " + conversation.doctor.name : conversation.patient.full_name;
      $("[data-title]").textContent = title + (conversation.topic_label ? " · " + conversation.topic_label : "");
      renderPresence(conversation.counterpart.online);
      var ref = $("[data-reference]");
      ref.textContent = "";
      if (conversation.reference && conversation.reference.url) {
        ref.appendChild(el("a", { href: conversation.reference.url, text: S.open_reference }));
      }
      composer.hidden = !conversation.can_write;
      $("[data-readonly]").hidden = conversation.can_write;
      history.replaceState(null, "", "?c=" + id);
      messagesEl.textContent = "";
      renderList();
      if (panelEl) loadPanel(id);
      return loadMessages(null).then(function () {
        scrollToEnd();
        markRead();
      });
    });
  }

  function renderPresence(online) {
    presenceEl.textContent = online ? S.online : S.offline;
    presenceEl.className = online ? "chat__online" : "chat__offline";
  }

  function loadPanel(id) {
    fetch(cfg.panel_url.replace("00000000-0000-0000-0000-000000000000", id), {
      credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
      // Server-rendered, auto-escaped fragment of our own origin.
      panelEl.innerHTML = html;
      panelEl.hidden = false;
      var form = panelEl.querySelector("[data-reply-target]");
      if (form) form.addEventListener("submit", function (event) {
        event.preventDefault();
        api("conversations/" + id + "/", {
          method: "PATCH",
          body: { reply_target_minutes: Number(form.reply_target_minutes.value) }
        }).then(loadConversations);
      });
    });
  }

  function loadMessages(cursorUrl) {
    var url = cursorUrl || ("conversations/" + state.current.id + "/messages/");
    return api(url).then(function (page) {
      state.next = page.next;
      earlierBtn.hidden = !page.next;
      var first = messagesEl.firstChild;
      page.results.slice().reverse().forEach(function (m) {
        messagesEl.insertBefore(renderMessage(m), first);
      });
    });
  }

  function renderMessage(m) {
    var mine = m.sender_id === cfg.user_id;
    var li = el("li", {
      className: "chat__message" + (mine ? " chat__message--mine" : "") + (m.deleted ? " chat__message--deleted" : ""),
      "data-message-id": m.id
    });
    li.appendChild(el("p", { className: "chat__sender", text: mine ? S.you : m.sender_name }));
    if (m.reply_to) {
      li.appendChild(el("blockquote", {
        className: "chat__quote",
        text: m.reply_to.sender_name + ": " + (m.reply_to.deleted ? S.deleted : (m.reply_to.excerpt || S.voice_message))
      }));
    }
    if (m.deleted) {
      li.appendChild(el("p", { className: "chat__text", text: S.deleted }));
    } else if (m.kind === "card") {
      li.appendChild(renderCard(m));
    } else {
      if (m.file) {
        var type = m.file.content_type;
        if (m.kind === "voice" || type.indexOf("audio/") === 0) {
          li.appendChild(el("audio", { controls: "", preload: "metadata", src: m.file.url, "aria-label": S.voice_message }));
        } else if (type.indexOf("image/") === 0) {
          li.appendChild(el("a", { href: m.file.url, target: "_blank", rel: "noopener" }, [
            el("img", { src: m.file.url, alt: m.file.name, className: "chat__image" })
          ]));
        } else {
          li.appendChild(el("a", { href: m.file.url, target: "_blank", rel: "noopener", text: m.file.name }));
        }
      }
      if (m.text) {
        var p = el("p", { className: "chat__text" });
        p.appendChild(linkify(m.text));
        li.appendChild(p);
      }
    }
    var meta = el("p", { className: "chat__meta" }, [
      el("time", { datetime: m.created_at, text: formatTime(m.created_at) })
    ]);
    if (m.edited_at && !m.deleted) meta.appendChild(el("span", { text: " · " + S.edited }));
    if (mine && m.receipt) {
      meta.appendChild(el("span", {
        className: "chat__receipt", "data-receipt": m.receipt.state, text: " · " + S[m.receipt.state]
      }));
    }
    li.appendChild(meta);
    if (m.revisions && m.revisions.length) {
      var details = el("details", { className: "chat__revisions" }, [el("summary", { text: S.history })]);
      m.revisions.forEach(function (r) {
        details.appendChild(el("p", { text: formatTime(r.edited_at) + ": " + r.text }));
      });
      li.appendChild(details);
    }
    if (!m.deleted && m.kind !== "card" && state.current && state.current.can_write) {
      var actions = el("div", { className: "chat__actions" });
      var reply = el("button", { type: "button", className: "chat__link", text: S.reply });
      reply.addEventListener("click", function () { startReply(m); });
      actions.appendChild(reply);
      if (mine && new Date(m.editable_until) > new Date()) {
        if (m.kind !== "voice") {
          var edit = el("button", { type: "button", className: "chat__link", text: S.edit });
          edit.addEventListener("click", function () { editMessage(m); });
          actions.appendChild(edit);
        }
        var del = el("button", { type: "button", className: "chat__link", text: S.delete });
        del.addEventListener("click", function () {
          if (window.confirm(S.confirm_delete)) {
            api("messages/" + m.id + "/", { method: "DELETE" }).then(replaceMessage).catch(showError);
          }
        });
        actions.appendChild(del);
      }
      li.appendChild(actions);
    }
    return li;
  }

  // A card shows a record of the conversation's domain (a custom offer) as this user sees it
  // now: title, status, lines and the actions they may take (forms posting to the domain's
  // pages with the CSRF token, or links). Events carry no card (it differs per viewer): the
  // message is fetched again and replaced.
  function renderCard(m) {
    var card = m.card;
    if (!card) {
      if (!m.card_unavailable) {
        api("messages/" + m.id + "/").then(function (full) {
          if (!full.card) full.card_unavailable = true;
          replaceMessage(full);
        }).catch(function () {});
      }
      return el("p", { className: "chat__text chat__meta", text: m.card_unavailable ? S.card_unavailable : S.card_loading });
    }
    var box = el("div", {
      className: "chat__card", "data-testid": "chat-card",
      "data-card-kind": card.kind, "data-card-status": card.status
    }, [
      el("p", { className: "chat__card-title", text: card.title }),
      card.status_label ? el("p", { className: "chat__card-status", text: card.status_label }) : null
    ]);
    card.lines.forEach(function (line) {
      box.appendChild(el("p", { className: "chat__card-line", text: line }));
    });
    if (card.actions.length) {
      var actions = el("div", { className: "chat__card-actions" });
      card.actions.forEach(function (action) {
        var style = "chat__button" + (action.style === "secondary" ? " chat__button--secondary" : "");
        if (action.method === "get") {
          actions.appendChild(el("a", { href: action.url, className: style, text: action.label }));
          return;
        }
        var form = el("form", { method: "post", action: action.url }, [
          el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf }),
          el("button", { type: "submit", className: style, text: action.label })
        ]);
        actions.appendChild(form);
      });
      box.appendChild(actions);
    }
    return box;
  }

  function replaceMessage(m) {
    var old = messagesEl.querySelector('[data-message-id="' + m.id + '"]');
    if (old) {
      // Keep the receipt the sender already sees (events do not carry it).
      var receipt = old.querySelector("[data-receipt]");
      if (!m.receipt && receipt) m.receipt = { state: receipt.getAttribute("data-receipt") };
      old.replaceWith(renderMessage(m));
    }
  }

  function appendMessage(m) {
    if (messagesEl.querySelector('[data-message-id="' + m.id + '"]')) return;
    messagesEl.appendChild(renderMessage(m));
    scrollToEnd();
  }

  function scrollToEnd() {
    messagesEl.scrollTop = messagesEl.scrollHeight;
    var last = messagesEl.lastElementChild;
    if (last && last.scrollIntoView) last.scrollIntoView({ block: "end" });
  }

  function startReply(m) {
    state.replyTo = m.id;
    $("[data-replying]").hidden = false;
    $("[data-replying-text]").textContent = S.replying_to + " " + m.sender_name + ": " + (m.text || S.voice_message).slice(0, 80);
    textEl.focus();
  }

  function editMessage(m) {
    var li = messagesEl.querySelector('[data-message-id="' + m.id + '"]');
    var form = el("form", { className: "chat__edit" });
    var area = el("textarea", { "aria-label": S.edit, maxlength: String(cfg.max_text) });
    area.value = m.text;
    var save = el("button", { type: "submit", className: "chat__button", text: S.save });
    var cancel = el("button", { type: "button", className: "chat__button chat__button--secondary", text: S.cancel });
    form.appendChild(area); form.appendChild(save); form.appendChild(cancel);
    cancel.addEventListener("click", function () { form.replaceWith(renderMessage(m)); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      api("messages/" + m.id + "/", { method: "PATCH", body: { text: area.value } })
        .then(function (updated) { form.replaceWith(renderMessage(updated)); })
        .catch(showError);
    });
    li.replaceWith(form);
    area.focus();
  }

  function markRead() {
    if (!state.current || !state.current.can_write || document.hidden) return;
    api("conversations/" + state.current.id + "/read/", { method: "POST", body: {} }).then(function () {
      state.conversations.forEach(function (c) { if (c.id === state.current.id) c.unread_count = 0; });
      renderList();
    }).catch(function () {});
  }

  function showError(error) {
    errorEl.textContent = (error && error.message) || S.error;
  }

  // --- sending ------------------------------------------------------------------------------
  function send(formData) {
    errorEl.textContent = "";
    if (state.replyTo) formData.append("reply_to", state.replyTo);
    formData.append("client_id", (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : "");
    if (!formData.get("client_id")) formData.delete("client_id");
    return api("conversations/" + state.current.id + "/messages/", { method: "POST", body: formData })
      .then(function (message) {
        appendMessage(message);
        state.replyTo = null;
        $("[data-replying]").hidden = true;
        loadConversations();
      })
      .catch(showError);
  }

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!textEl.value.trim()) return;
    var data = new FormData();
    data.append("text", textEl.value);
    send(data).then(function () {
      if (!errorEl.textContent) textEl.value = "";
    });
  });

  textEl.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  var lastTyping = 0;
  textEl.addEventListener("input", function () {
    var now = Date.now();
    if (state.socket && state.socket.readyState === 1 && state.current && now - lastTyping > 2000) {
      lastTyping = now;
      state.socket.send(JSON.stringify({ type: "typing", conversation_id: state.current.id }));
    }
  });

  // --- attachment preview -------------------------------------------------------------------
  // A chosen file or a recorded voice message is shown first (an image as a thumbnail, any file
  // with its name and size, voice as a player) and sent only on "Send"; "Cancel" drops it.
  var pending = null; // { file, name, voice, durationMs, input, url }

  function formatSize(bytes) {
    var unit = bytes >= 1e6 ? "megabyte" : (bytes >= 1e3 ? "kilobyte" : "byte");
    var value = bytes / ({ megabyte: 1e6, kilobyte: 1e3, byte: 1 })[unit];
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined, {
        style: "unit", unit: unit, unitDisplay: "short", maximumFractionDigits: 1
      }).format(value);
    } catch (e) {
      return String(Math.round(value * 10) / 10) + ({ megabyte: " MB", kilobyte: " kB", byte: " B" })[unit];
    }
  }

  function closePreview() {
    if (!pending) return;
    if (pending.url) URL.revokeObjectURL(pending.url);
    if (pending.input) pending.input.value = "";
    pending = null;
    previewMedia.textContent = "";
    previewEl.hidden = true;
  }

  function showPreview(item) {
    closePreview();
    var type = item.file.type || "";
    if (item.voice || type.indexOf("audio/") === 0) {
      item.url = URL.createObjectURL(item.file);
      previewMedia.appendChild(el("audio", { controls: "", src: item.url, "aria-label": S.voice_message }));
    } else if (type.indexOf("image/") === 0) {
      item.url = URL.createObjectURL(item.file);
      previewMedia.appendChild(el("img", { src: item.url, alt: item.name }));
    }
    $("[data-preview-name]").textContent = item.name;
    $("[data-preview-size]").textContent = formatSize(item.file.size);
    previewSend.textContent = item.voice ? S.send_voice : S.send_attachment;
    pending = item;
    errorEl.textContent = "";
    previewEl.hidden = false;
    previewSend.focus();
  }

  previewSend.addEventListener("click", function () {
    if (!pending || previewSend.disabled) return;
    var item = pending;
    var data = new FormData();
    data.append("file", item.file, item.fileName || item.file.name);
    var withText = !item.voice && textEl.value.trim();
    if (withText) data.append("text", textEl.value);
    if (item.voice) data.append("voice", "true");
    if (item.durationMs) data.append("duration_ms", String(item.durationMs));
    previewSend.disabled = true;
    send(data).then(function () {
      previewSend.disabled = false;
      if (errorEl.textContent || pending !== item) return;
      closePreview();
      if (withText) textEl.value = "";
      textEl.focus();
    });
  });

  $("[data-preview-cancel]").addEventListener("click", function () {
    closePreview();
    textEl.focus();
  });
  previewEl.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closePreview(); textEl.focus(); }
  });

  $("[data-attach]").addEventListener("change", function (event) {
    var file = event.target.files[0];
    if (file) showPreview({ file: file, name: file.name, voice: false, input: event.target });
  });

  $("[data-voice-file]").addEventListener("change", function (event) {
    var file = event.target.files[0];
    if (file) showPreview({ file: file, name: file.name, voice: true, input: event.target });
  });

  // Voice recording (MediaRecorder, Opus in WebM or Ogg).
  var voiceBtn = $("[data-voice]");
  var recorder = null;
  var recordStart = 0;
  var recordTimer = null;
  voiceBtn.addEventListener("click", function () {
    if (recorder && recorder.state === "recording") {
      recorder.stop();
      return;
    }
    if (!navigator.mediaDevices || !window.MediaRecorder) {
      showError(new Error(S.no_microphone));
      return;
    }
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var type = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus"].filter(function (t) {
        return MediaRecorder.isTypeSupported(t);
      })[0];
      recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      var chunks = [];
      recorder.ondataavailable = function (e) { if (e.data.size) chunks.push(e.data); };
      recorder.onstop = function () {
        clearTimeout(recordTimer);
        stream.getTracks().forEach(function (t) { t.stop(); });
        voiceBtn.textContent = S.record;
        voiceBtn.setAttribute("aria-pressed", "false");
        var mime = recorder.mimeType || "audio/webm";
        showPreview({
          file: new Blob(chunks, { type: mime }), name: S.voice_message, voice: true,
          fileName: mime.indexOf("ogg") >= 0 ? "voice.ogg" : "voice.webm",
          durationMs: Date.now() - recordStart
        });
      };
      recordStart = Date.now();
      recorder.start();
      voiceBtn.textContent = S.stop;
      voiceBtn.setAttribute("aria-pressed", "true");
      recordTimer = setTimeout(function () {
        if (recorder.state === "recording") recorder.stop();
      }, cfg.max_voice_seconds * 1000);
    }).catch(function () { showError(new Error(S.no_microphone)); });
  });

  earlierBtn.addEventListener("click", function () { if (state.next) loadMessages(state.next); });
  $("[data-cancel-reply]").addEventListener("click", function () {
    state.replyTo = null;
    $("[data-replying]").hidden = true;
  });
  $("[data-back]").addEventListener("click", function () {
    root.classList.remove("chat--open");
    mainEl.hidden = true;
    if (placeholderEl) placeholderEl.hidden = false;
  });
  if (awaitingFilter) awaitingFilter.addEventListener("change", loadConversations);

  var newForm = root.querySelector("[data-new-conversation]");
  if (newForm) newForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var option = newForm.counterpart.selectedOptions[0];
    var body = { topic: newForm.topic.value };
    body[option.getAttribute("data-kind") === "doctor" ? "doctor_id" : "patient_id"] = option.value;
    api("conversations/", { method: "POST", body: body }).then(function (c) {
      subscribe(c.id);
      return loadConversations().then(function () { return openConversation(c.id); });
    }).catch(showError);
  });

  document.addEventListener("visibilitychange", function () { if (!document.hidden) markRead(); });

  // --- live updates -------------------------------------------------------------------------
  function subscribe(id) {
    if (state.socket && state.socket.readyState === 1) {
      state.socket.send(JSON.stringify({ type: "subscribe", conversation_id: id }));
    }
  }

  var typingTimer = null;
  function onEvent(event) {
    var data = event.data || {};
    var current = state.current && data.conversation_id === state.current.id;
    switch (event.type) {
      case "chat.message_created":
        if (current) {
          appendMessage(data);
          if (data.sender_id !== cfg.user_id) {
            typingEl.textContent = "";
            if (document.hidden) {
              api("conversations/" + data.conversation_id + "/delivered/", { method: "POST" }).catch(function () {});
            } else {
              markRead();
            }
          }
        } else if (data.sender_id !== cfg.user_id) {
          api("conversations/" + data.conversation_id + "/delivered/", { method: "POST" }).catch(function () {});
        }
        loadConversations();
        break;
      case "chat.message_updated":
      case "chat.message_deleted":
        if (current) replaceMessage(data);
        break;
      case "chat.receipt_updated":
        if (data.user_id === cfg.user_id) break;
        data.message_ids.forEach(function (id) {
          var node = messagesEl.querySelector('[data-message-id="' + id + '"] [data-receipt]');
          if (node && !(node.getAttribute("data-receipt") === "read" && data.state !== "read")) {
            node.setAttribute("data-receipt", data.state);
            node.textContent = " · " + S[data.state];
          }
        });
        break;
      case "chat.typing_started":
        if (current && data.user_id !== cfg.user_id) {
          typingEl.textContent = S.typing;
          clearTimeout(typingTimer);
          typingTimer = setTimeout(function () { typingEl.textContent = ""; }, 4000);
        }
        break;
      case "chat.presence_changed":
        if (state.current && data.user_id === state.current.counterpart.id) renderPresence(data.online);
        break;
      case "chat.conversation_created":
        subscribe(data.conversation_id);
        loadConversations();
        break;
    }
  }

  // The open conversation's newest page again, after a reconnect: messages that arrived
  // meanwhile are added, edits and deletions replace what is shown. Earlier pages stay.
  function reloadMessages() {
    var conversation = state.current;
    if (!conversation) return;
    api("conversations/" + conversation.id + "/messages/").then(function (page) {
      if (state.current !== conversation) return;
      var added = false;
      page.results.slice().reverse().forEach(function (m) {
        if (messagesEl.querySelector('[data-message-id="' + m.id + '"]')) {
          replaceMessage(m);
          return;
        }
        // In time order: before the first shown message that is newer (ISO times compare).
        var later = Array.prototype.find.call(messagesEl.children, function (node) {
          var time = node.querySelector(".chat__meta time");
          return time && time.getAttribute("datetime") > m.created_at;
        });
        messagesEl.insertBefore(renderMessage(m), later || null);
        added = true;
      });
      if (added) {
        scrollToEnd();
        markRead();
      }
    }).catch(function () {});
  }

  var retry = 1000;
  var pingTimer = null;
  var connectedBefore = false;
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + cfg.ws);
    state.socket = socket;
    socket.addEventListener("open", function () {
      retry = 1000;
      root.setAttribute("data-live", "true");
      clearInterval(pingTimer);
      pingTimer = setInterval(function () {
        if (socket.readyState === 1) socket.send(JSON.stringify({ type: "ping" }));
      }, 25000);
      // Catch up on whatever happened while disconnected: events published then (or while
      // the server could not publish) never reach this socket, so refetch the list and the
      // open conversation's messages, not only the list.
      loadConversations();
      if (connectedBefore) reloadMessages();
      connectedBefore = true;
    });
    socket.addEventListener("message", function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      if (frame && frame.type && frame.type.indexOf("chat.") === 0) onEvent(frame);
    });
    socket.addEventListener("close", function (event) {
      root.removeAttribute("data-live");
      clearInterval(pingTimer);
      if (event.code === 4403) return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  loadConversations().then(function () {
    if (cfg.conversation) openConversation(cfg.conversation);
    else if (cfg.is_patient && state.conversations.length === 1) openConversation(state.conversations[0].id);
  });
  connect();
})();
