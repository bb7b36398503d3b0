// The sandbox page: a Telegram-like chat with the real bot, through the JSON API of
// sandbox/app.py (SANDBOX_API.md). Plain JavaScript, no build step, no dependencies.
"use strict";

const PERSONA_LABELS = {
  peserta: ["Peserta", "ID"],
  participant: ["Participant", "EN"],
  panitia: ["Panitia", "organiser"],
  admin: ["Admin", "admin"],
};
const STAFF = new Set(["panitia", "admin"]);
const WAIT_SECONDS = 20;

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

const params = new URLSearchParams(location.search);
const view = {
  persona: params.get("as") || "peserta",
  chat: params.get("chat") === "group" ? "group" : "private",
  version: null,
  messages: [],
  poll: null, // the AbortController of the running long poll
  state: null,
  keyboardHidden: false,
  keyboardOf: null, // the message id whose reply keyboard is shown
  stick: true, // keep the newest message in view
};
const rendered = new Map(); // message id -> {key, li}

// ---------------------------------------------------------------- API

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  try {
    data = await response.json();
  } catch (_) {
    data = { error: `HTTP ${response.status}` };
  }
  if (!response.ok) throw new Error((data && data.error) || `HTTP ${response.status}`);
  return data;
}

const chatPath = (suffix = "") =>
  `/api/chats/${encodeURIComponent(view.persona)}/${view.chat}${suffix}`;

// ---------------------------------------------------------------- the bot's HTML, rebuilt safely

const SIMPLE_TAGS = {
  b: "b", strong: "b", i: "i", em: "i", u: "u", ins: "u",
  s: "s", strike: "s", del: "s", code: "code", pre: "pre", blockquote: "blockquote",
};

function safeHref(href) {
  if (!href) return null;
  try {
    const url = new URL(href, location.href);
    return ["http:", "https:", "tg:", "mailto:"].includes(url.protocol) ? url.href : null;
  } catch (_) {
    return null;
  }
}

// Like Telegram's apps: /commands and URLs in the text are clickable.
const AUTOLINK = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)'])|((?:^|(?<=[\s(]))\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?(?![\w/]))/g;

function autolinked(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(AUTOLINK)) {
    if (match.index > last) parts.push(document.createTextNode(text.slice(last, match.index)));
    const link = document.createElement("a");
    link.textContent = match[0];
    if (match[1]) {
      link.href = match[1];
      link.rel = "noopener noreferrer";
    } else {
      link.href = "#";
      link.className = "command";
      link.dataset.command = match[2];
    }
    parts.push(link);
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(document.createTextNode(text.slice(last)));
  return parts;
}

// Only Telegram's tags are rebuilt (fresh elements, no attribute copied but a checked href);
// everything else becomes its text.
function rebuild(node, into, links = true) {
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      if (links) into.append(...autolinked(child.nodeValue));
      else into.append(document.createTextNode(child.nodeValue));
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    const tag = child.localName;
    let element = null;
    if (SIMPLE_TAGS[tag]) {
      element = document.createElement(SIMPLE_TAGS[tag]);
    } else if (tag === "a") {
      const href = safeHref(child.getAttribute("href"));
      if (href) {
        element = document.createElement("a");
        element.href = href;
        element.rel = "noopener noreferrer";
      }
    } else if (tag === "tg-spoiler" || (tag === "span" && child.classList.contains("tg-spoiler"))) {
      element = document.createElement("span");
      element.className = "spoiler";
      element.title = "Ketuk untuk membuka / Tap to reveal";
    }
    if (element === null) {
      rebuild(child, into, links);
    } else {
      rebuild(child, element, links && !["a", "code", "pre"].includes(element.localName));
      into.append(element);
    }
  }
}

function renderHtml(html, className, links = true) {
  const holder = document.createElement("div");
  holder.className = className;
  const doc = new DOMParser().parseFromString(`<body>${html || ""}</body>`, "text/html");
  rebuild(doc.body, holder, links);
  return holder;
}

// ---------------------------------------------------------------- links: t.me start links go to /api/open

function isBotLink(href) {
  try {
    const url = new URL(href);
    if (url.protocol === "tg:") return true;
    return ["t.me", "telegram.me", "www.t.me"].includes(url.hostname);
  } catch (_) {
    return false;
  }
}

async function openLink(href, persona = view.persona) {
  if (!isBotLink(href)) {
    const safe = safeHref(href);
    if (safe) window.open(safe, "_blank", "noopener");
    else toast(`Tautan tidak dapat dibuka / Cannot open: ${href}`);
    return;
  }
  try {
    await api("POST", "/api/open", { persona, url: href });
    if (persona !== view.persona) {
      toast(`Dibuka di chat ${personaName(persona)} · opened in their chat`, chatOf(persona));
    } else if (view.chat !== "private") {
      switchTo(view.persona, "private");
    }
  } catch (error) {
    toast(`Tautan tidak dapat dibuka / Cannot open: ${error.message}`);
  }
}

document.addEventListener("click", (event) => {
  const command = event.target.closest("a.command");
  if (command) {
    event.preventDefault();
    send(command.dataset.command);
    return;
  }
  const link = event.target.closest(".text a, .caption a");
  if (link) {
    event.preventDefault();
    openLink(link.href);
    return;
  }
  const spoiler = event.target.closest(".spoiler");
  if (spoiler) spoiler.classList.add("revealed");
});

// ---------------------------------------------------------------- small helpers

function toast(text, link = null) {
  const box = $("toast");
  box.textContent = text;
  if (link) {
    const a = document.createElement("a");
    a.href = link.href;
    a.target = "_blank";
    a.dataset.testid = "toast-link";
    a.textContent = link.text;
    box.append(document.createElement("br"), a);
  }
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, link ? 8000 : 4000);
}

// Another person's private chat, in a tab of its own.
const chatOf = (persona) => ({
  href: `?as=${encodeURIComponent(persona)}&chat=private`,
  text: `Buka chat ${personaName(persona)} ↗ · open their chat`,
});

function showAlert(text) {
  $("alert-text").textContent = text;
  const dialog = $("alert");
  if (!dialog.open) dialog.showModal();
}

function personaName(key) {
  const persona = view.state && view.state.personas.find((p) => p.key === key);
  return persona ? persona.name : key;
}

function formatSize(bytes) {
  const number = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${number.format(bytes / 1024)} KB`;
  return `${number.format(bytes / 1024 / 1024)} MB`;
}

// The sandbox's times carry their own offset (WIB): read the wall clock from the string.
const clockTime = (iso) => (iso || "").slice(11, 16).replace(":", ".");

// The page's own words and dates follow the persona's language (Telegram's, for the bot).
function personaLocale() {
  const persona = view.state && view.state.personas.find((p) => p.key === view.persona);
  return persona && persona.language === "en" ? "en-GB" : "id-ID";
}

function dayLabel(iso) {
  const [y, m, d] = (iso || "").slice(0, 10).split("-").map(Number);
  if (!y) return "";
  return new Intl.DateTimeFormat(personaLocale(), {
    weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

function button(text, testid, onClick) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = text;
  element.dataset.testid = testid;
  element.addEventListener("click", onClick);
  return element;
}

// ---------------------------------------------------------------- one message

function renderMessage(message) {
  const li = document.createElement("li");
  const mine = message.from === "me";
  li.className = `message ${mine ? "out" : "in"}`;
  li.dataset.testid = "message";
  li.dataset.messageId = message.id;
  li.dataset.from = message.from;

  const bubble = document.createElement("div");
  bubble.className = "bubble";
  li.append(bubble);

  if (!mine && (view.chat === "group" || message.from !== "bot")) {
    const sender = document.createElement("div");
    sender.className = "sender";
    sender.dataset.testid = "message-sender";
    sender.textContent = message.from === "bot" ? botName() : message.from;
    bubble.append(sender);
  }
  if (message.photo) bubble.append(renderPhoto(message));
  if (message.document) bubble.append(renderDocument(message.document));
  const caption = (message.photo || message.document || {}).caption_html;
  if (caption) bubble.append(renderHtml(caption, "caption"));
  if (message.html && message.html !== caption) {
    const text = renderHtml(message.html, "text", !mine);
    text.dataset.testid = "message-text";
    bubble.append(text);
  }

  const meta = document.createElement("div");
  meta.className = "meta";
  if (message.edited) {
    const edited = document.createElement("span");
    edited.dataset.testid = "edited";
    const english = personaLocale() === "en-GB";
    edited.textContent = english ? "(edited) " : "(diedit) ";
    edited.title = english ? "diedit" : "edited";
    meta.append(edited);
  }
  meta.append(document.createTextNode(clockTime(message.date)));
  bubble.append(meta);

  if (message.inline_keyboard) li.append(renderInlineKeyboard(message));
  return li;
}

function renderPhoto(message) {
  const figure = document.createElement("figure");
  figure.className = "photo";
  const img = document.createElement("img");
  img.src = safeHref(message.photo.url) || "";
  img.alt = "Foto / Photo";
  img.dataset.testid = "photo";
  img.addEventListener("load", stickToBottom);
  figure.append(img);

  // A QR code in the organiser's chat is scanned by a participant: choose who scans.
  const row = document.createElement("div");
  row.className = "scan-row";
  const who = document.createElement("select");
  who.dataset.testid = "scan-as";
  who.setAttribute("aria-label", "Dipindai oleh / Scanned by");
  for (const persona of (view.state && view.state.personas) || []) {
    const option = document.createElement("option");
    option.value = persona.key;
    const short = persona.name.split(" ")[0];
    option.textContent = persona.key === view.persona ? `${short} (saya)` : short;
    who.append(option);
  }
  who.value = STAFF.has(view.persona) ? "peserta" : view.persona;
  const scan = button("📷 Pindai QR / Scan QR", "scan-qr", () => scanPhoto(message, who.value, scan));
  const as = document.createElement("label");
  as.append("sebagai ", who);
  as.title = "Dipindai oleh / Scanned by";
  row.append(scan, as);
  figure.append(row);
  return figure;
}

function renderDocument(document_) {
  const link = document.createElement("a");
  link.className = "document";
  link.href = safeHref(document_.url) || "#";
  link.download = document_.file_name;
  link.dataset.testid = "document-link";
  const icon = document.createElement("span");
  icon.className = "doc-icon";
  icon.setAttribute("aria-hidden", "true");
  icon.textContent = (document_.file_name.split(".").pop() || "file").slice(0, 4).toUpperCase();
  const name = document.createElement("span");
  name.className = "doc-name";
  name.dataset.testid = "document-name";
  name.textContent = document_.file_name;
  const size = document.createElement("small");
  size.className = "doc-size";
  size.textContent = `${formatSize(document_.size)} · Unduh / Download`;
  const text = document.createElement("span");
  text.className = "doc-text";
  text.append(name, size);
  link.append(icon, text);
  return link;
}

function renderInlineKeyboard(message) {
  const keyboard = document.createElement("div");
  keyboard.className = "inline-keyboard";
  keyboard.dataset.testid = "inline-keyboard";
  for (const row of message.inline_keyboard) {
    const line = document.createElement("div");
    line.className = "kb-row";
    for (const key of row) {
      const element = button(key.text, "inline-button", () => pressInline(message, key, element));
      if (key.url) {
        element.classList.add("url");
        element.title = key.url;
        const arrow = document.createElement("span");
        arrow.className = "url-mark";
        arrow.setAttribute("aria-hidden", "true"); // the label stays the button's name
        arrow.textContent = " ↗";
        element.append(arrow);
      } else if (key.callback_data === null || key.callback_data === undefined) {
        element.disabled = true;
      }
      line.append(element);
    }
    keyboard.append(line);
  }
  return keyboard;
}

// ---------------------------------------------------------------- actions

async function pressInline(message, key, element) {
  if (key.url) {
    openLink(key.url);
    return;
  }
  element.classList.add("busy");
  element.disabled = true;
  try {
    const result = await api("POST", chatPath("/press"), {
      message_id: message.id, callback_data: key.callback_data,
    });
    const answer = result.answer || {};
    if (answer.text) (answer.show_alert ? showAlert : toast)(answer.text);
  } catch (error) {
    toast(`Tombol gagal / Button failed: ${error.message}`);
  } finally {
    element.classList.remove("busy");
    element.disabled = false;
  }
}

async function scanPhoto(message, scanner, element) {
  element.disabled = true;
  try {
    const result = await api("POST", "/api/scan", {
      persona: scanner, from_persona: view.persona, chat: view.chat, message_id: message.id,
    });
    afterScan(scanner, result.url);
  } catch (error) {
    toast(`QR tidak terbaca / No QR code: ${error.message}`);
  } finally {
    element.disabled = false;
  }
}

function afterScan(scanner, url) {
  if (scanner === view.persona && view.chat === "private") {
    toast(`QR: ${url}`);
  } else if (scanner === view.persona) {
    switchTo(scanner, "private");
  } else {
    toast(`${personaName(scanner)} memindai QR · scanned the QR code`, chatOf(scanner));
  }
}

async function send(text) {
  if (!text.trim()) return;
  try {
    await api("POST", chatPath("/send"), { text });
    view.keyboardHidden = false;
  } catch (error) {
    toast(`Pesan tidak terkirim / Not sent: ${error.message}`);
  }
}

// A file as the persona's document (an organiser's material); the typed text is its caption.
async function sendFile(file) {
  const data = await readBase64(file);
  const input = $("composer-input");
  const caption = input.value.trim();
  input.value = "";
  try {
    await api("POST", chatPath("/document"), { file_name: file.name, data, caption: caption || null });
  } catch (error) {
    toast(`Berkas tidak terkirim / File not sent: ${error.message}`);
  }
}

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1]);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function shareContact(element) {
  element.disabled = true;
  try {
    await api("POST", chatPath("/contact"));
  } catch (error) {
    toast(`Kontak tidak terkirim / Contact not sent: ${error.message}`);
  } finally {
    element.disabled = false;
  }
}

// ---------------------------------------------------------------- the message list and the reply keyboard

// Stay at the newest message unless the person scrolled up to read (images load later).
function stickToBottom() {
  const list = $("messages");
  if (view.stick) list.scrollTop = list.scrollHeight;
}

$("messages").addEventListener("scroll", () => {
  const list = $("messages");
  view.stick = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
});

function renderMessages() {
  const list = $("messages");
  const items = [];
  const seen = new Set();
  let day = null;
  for (const message of view.messages) {
    if (message.deleted) continue;
    seen.add(message.id);
    const label = dayLabel(message.date);
    if (label && label !== day) {
      day = label;
      const separator = document.createElement("li");
      separator.className = "day";
      separator.textContent = label;
      items.push(separator);
    }
    const key = JSON.stringify(message);
    let entry = rendered.get(message.id);
    if (!entry || entry.key !== key) {
      entry = { key, li: renderMessage(message) };
      rendered.set(message.id, entry);
    }
    items.push(entry.li);
  }
  for (const id of [...rendered.keys()]) if (!seen.has(id)) rendered.delete(id);
  if (items.length === 0) {
    const empty = document.createElement("li");
    empty.className = "empty";
    empty.dataset.testid = "empty-chat";
    empty.textContent = view.chat === "private"
      ? "Belum ada pesan. Ketik /start untuk memulai. · No messages yet: type /start."
      : "Belum ada pesan di grup. · No messages in the group yet.";
    items.push(empty);
  }
  list.replaceChildren(...items);
  renderReplyKeyboard();
  stickToBottom();
}

// Like Telegram: the latest reply keyboard not removed since; a one-time keyboard hides once
// the person has answered (the toggle shows it again).
function currentReplyKeyboard() {
  let found = null;
  let answered = false;
  for (const message of view.messages) {
    if (message.from === "bot" && (message.reply_keyboard || message.remove_keyboard)) {
      found = message.reply_keyboard ? message : null;
      answered = false;
    } else if (message.from === "me" && found) {
      answered = true;
    }
  }
  return found ? { message: found, answered } : null;
}

function renderReplyKeyboard() {
  const box = $("reply-keyboard");
  const toggle = $("keyboard-toggle");
  const current = currentReplyKeyboard();
  if (!current) {
    box.hidden = true;
    toggle.hidden = true;
    box.replaceChildren();
    view.keyboardOf = null;
    return;
  }
  if (view.keyboardOf !== current.message.id) {
    view.keyboardOf = current.message.id;
    view.keyboardHidden = false;
  }
  const oneTimeUsed = current.message.reply_keyboard.one_time && current.answered;
  toggle.hidden = false;
  box.hidden = view.keyboardHidden || (oneTimeUsed && !view.keyboardForced);
  const rows = current.message.reply_keyboard.rows.map((row) => {
    const line = document.createElement("div");
    line.className = "kb-row";
    for (const key of row) {
      const element = button(key.text, "reply-button", () => {
        view.keyboardForced = false;
        if (key.request_contact) shareContact(element);
        else send(key.text);
      });
      if (key.request_contact) {
        element.classList.add("contact");
        element.dataset.testid = "share-contact";
      }
      line.append(element);
    }
    return line;
  });
  box.replaceChildren(...rows);
}

$("keyboard-toggle").addEventListener("click", () => {
  const box = $("reply-keyboard");
  if (box.hidden) {
    view.keyboardHidden = false;
    view.keyboardForced = true;
  } else {
    view.keyboardHidden = true;
    view.keyboardForced = false;
  }
  renderReplyKeyboard();
});

$("attach-input").addEventListener("change", (event) => {
  const file = event.target.files[0];
  event.target.value = "";
  if (file) sendFile(file);
});

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("composer-input");
  const text = input.value;
  input.value = "";
  send(text);
});

// ---------------------------------------------------------------- long poll

async function pollLoop() {
  const controller = new AbortController();
  if (view.poll) view.poll.abort();
  view.poll = controller;
  let failures = 0;
  while (!controller.signal.aborted) {
    const query = view.version === null ? "" : `?since=${view.version}&wait=${WAIT_SECONDS}`;
    try {
      const response = await fetch(chatPath(query), { signal: controller.signal });
      const data = await response.json();
      if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
      if (controller.signal.aborted) return;
      failures = 0;
      $("connection").hidden = true;
      if (data.version !== view.version) {
        view.version = data.version;
        view.messages = data.messages;
        view.commands = data.commands;
        renderMessages();
        renderCommands();
        refreshStateSoon();
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      failures += 1;
      $("connection").hidden = false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 * failures)));
    }
  }
}

// ---------------------------------------------------------------- who, which chat, the clock

function botName() {
  return (view.state && view.state.bot.first_name) || "Bot";
}

function renderHeader() {
  const state = view.state;
  if (!state) return;
  const persona = state.personas.find((p) => p.key === view.persona);
  const title = view.chat === "group" ? state.group.title : botName();
  $("chat-name").textContent = title;
  $("chat-avatar").textContent = title.slice(0, 1).toUpperCase();
  $("chat-sub").textContent = view.chat === "group"
    ? `grup · ${state.personas.length + 1} anggota / members`
    : `@${state.bot.username} · bot sandbox`;
  $("bot-name").textContent = `@${state.bot.username}`;
  document.title = `${persona ? persona.name : view.persona} · Sandbox`;

  const nav = $("personas");
  nav.replaceChildren(...state.personas.map((p) => {
    const link = document.createElement("a");
    link.className = "chip persona";
    link.href = `?as=${encodeURIComponent(p.key)}&chat=${view.chat}`;
    link.dataset.testid = `persona-${p.key}`;
    link.dataset.persona = p.key;
    if (p.key === view.persona) link.setAttribute("aria-current", "page");
    const [label, note] = PERSONA_LABELS[p.key] || [p.role, p.language];
    link.append(document.createTextNode(`${label} `));
    const small = document.createElement("small");
    small.textContent = note;
    link.append(small);
    const name = document.createElement("span");
    name.className = "persona-name";
    name.textContent = p.name;
    link.append(name);
    return link;
  }));
  for (const link of document.querySelectorAll("[data-chat]")) {
    link.href = `?as=${encodeURIComponent(view.persona)}&chat=${link.dataset.chat}`;
    if (link.dataset.chat === view.chat) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  renderCommands();
}

// The "/" menu the persona's app would show in this chat (the chat GET carries it): the
// Menu button left of the input, and suggestions while typing.
function renderCommands() {
  const list = view.commands || [];
  document.getElementById("commands").replaceChildren(...list.map((c) => {
    const option = document.createElement("option");
    option.value = `/${c.command}`;
    option.label = c.description || "";
    return option;
  }));
  const menu = $("command-menu");
  menu.replaceChildren(...list.map((c) => {
    const item = button("", "menu-command", () => {
      showMenu(false);
      send(`/${c.command}`);
    });
    const name = document.createElement("span");
    name.className = "cmd-name";
    name.textContent = `/${c.command}`;
    const description = document.createElement("span");
    description.className = "cmd-description";
    description.textContent = c.description || "";
    item.append(name, description);
    return item;
  }));
  $("menu-button").hidden = list.length === 0;
  if (list.length === 0) showMenu(false);
}

function showMenu(open) {
  $("command-menu").hidden = !open;
  $("menu-button").setAttribute("aria-expanded", String(open));
}

$("menu-button").addEventListener("click", () => showMenu($("command-menu").hidden));

// An English-speaking persona reads the clock's labels in English when the server has them.
function label(item) {
  const persona = view.state && view.state.personas.find((p) => p.key === view.persona);
  return (persona && persona.language === "en" && item.label_en) || item.label;
}

// "Min, 10 Jan · 08.00": the day and wall-clock time written in the moment's own offset (WIB).
function momentWhen(iso) {
  const language = personaLocale();
  const day = new Date(`${(iso || "").slice(0, 10)}T12:00:00Z`);
  if (Number.isNaN(day.getTime())) return clockTime(iso);
  const date = new Intl.DateTimeFormat(language, {
    weekday: "short", day: "numeric", month: "short", timeZone: "UTC",
  }).format(day);
  return `${date} · ${clockTime(iso)}`;
}

function renderClock() {
  const state = view.state;
  if (!state) return;
  $("clock-label").textContent = label(state.clock);
  const list = $("clock-next-list");
  list.replaceChildren(...(state.next || []).map((moment) => {
    const text = label(moment);
    const element = button(text, "clock-next", async () => {
      await moveClock({ action: "to", at: moment.at }, element);
      // On a phone the open panel hides the chat: close it, the label above shows the new time.
      if (!window.matchMedia("(min-width: 900px)").matches) $("clock-panel").open = false;
    });
    element.dataset.kind = moment.kind;
    const when = momentWhen(moment.at);
    element.setAttribute("aria-label", `Maju ke / Jump to: ${when}, ${text}`);
    element.prepend(document.createTextNode(moment.kind === "reminder" ? "🔔 " : "▶ "));
    // Where the jump lands, so that one can tell "1 day before" from "the start" at a glance.
    const time = document.createElement("small");
    time.className = "clock-when";
    time.textContent = when;
    element.prepend(time);
    return element;
  }));
  $("clock-next-title").hidden = !(state.next || []).length;
}

async function refreshState() {
  try {
    view.state = await api("GET", "/api/state");
    renderHeader();
    renderClock();
  } catch (_) {
    $("connection").hidden = false;
  }
}

function refreshStateSoon() {
  clearTimeout(refreshStateSoon.timer);
  refreshStateSoon.timer = setTimeout(refreshState, 300);
}

async function moveClock(body, element) {
  element.disabled = true;
  try {
    const clock = await api("POST", "/api/clock", body);
    if (view.state) view.state.clock = clock;
    $("clock-label").textContent = label(clock);
    await refreshState();
  } catch (error) {
    toast(`Waktu tidak dapat diubah / Clock: ${error.message}`);
  } finally {
    element.disabled = false;
  }
}

for (const element of document.querySelectorAll("[data-minutes]")) {
  element.addEventListener("click", () =>
    moveClock({ action: "advance", minutes: Number(element.dataset.minutes) }, element));
}

$("reset").addEventListener("click", async () => {
  if (!confirm("Hapus semua data sandbox dan mulai dari awal? / Delete all sandbox data and start over?")) return;
  try {
    await api("POST", "/api/reset");
    rendered.clear();
    view.version = null;
    pollLoop();
    refreshState();
  } catch (error) {
    toast(`Gagal / Failed: ${error.message}`);
  }
});

$("scan-upload").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const image = await readBase64(file);
  event.target.value = "";
  try {
    const result = await api("POST", "/api/scan", { persona: view.persona, image });
    afterScan(view.persona, result.url);
  } catch (error) {
    toast(`QR tidak terbaca / No QR code: ${error.message}`);
  }
});

function switchTo(persona, chat) {
  view.persona = persona;
  view.chat = chat;
  view.version = null;
  view.messages = [];
  view.keyboardOf = null;
  view.commands = null;
  view.stick = true;
  rendered.clear();
  showMenu(false);
  history.pushState(null, "", `?as=${encodeURIComponent(persona)}&chat=${chat}`);
  renderHeader();
  renderMessages();
  pollLoop();
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a.chip");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  switchTo(link.dataset.persona || view.persona, link.dataset.chat || view.chat);
});

window.addEventListener("popstate", () => {
  const now = new URLSearchParams(location.search);
  view.persona = now.get("as") || "peserta";
  view.chat = now.get("chat") === "group" ? "group" : "private";
  view.version = null;
  rendered.clear();
  renderHeader();
  pollLoop();
});

// ---------------------------------------------------------------- start

if (window.matchMedia("(min-width: 900px)").matches) $("clock-panel").open = true;
view.stick = true;
refreshState().then(() => {
  if (view.state && !view.state.personas.some((p) => p.key === view.persona)) {
    switchTo(view.state.personas[0].key, view.chat);
  } else {
    pollLoop();
  }
});
setInterval(refreshState, 15000);
