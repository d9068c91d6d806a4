"use strict";
const $ = (id) => document.getElementById(id);
const tokenInput = $("token");
tokenInput.value = localStorage.getItem("signage-token") || "";
tokenInput.addEventListener("change", () => localStorage.setItem("signage-token", tokenInput.value.trim()));

function say(text, bad) {
  const box = $("feedback");
  box.textContent = text;
  box.className = bad ? "bad" : "";
}

async function command(method, path, body) {
  const headers = { "Authorization": "Bearer " + tokenInput.value.trim() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  try {
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await response.json().catch(() => ({}));
    if (response.status === 401) {  // said in the page's words, the field to fill shown
      say("Jeton manquant ou refusé : saisissez le jeton d’accès de cet écran, en haut de la page.", true);
      tokenInput.focus();
      return null;
    }
    if (!response.ok) { say("Refusé : " + (data.error || response.status), true); return null; }
    say("OK"); refresh(); return data;
  } catch (error) { say("Le lecteur ne répond pas : " + error, true); return null; }
}

document.querySelectorAll("[data-command]").forEach((button) =>
  button.addEventListener("click", () => command("POST", button.dataset.command)));

$("message-form").addEventListener("submit", (event) => {
  event.preventDefault();
  command("POST", "message", { text: $("text").value, style: $("style").value, expires_in: Math.round(parseFloat($("minutes").value) * 60) });
});
$("clear").addEventListener("click", () => command("DELETE", "message"));

function redraw(id, items) {
  const box = $(id);
  const drawn = JSON.stringify(items.map((item) => [item.className, item.dataset.part, item.textContent]));
  if (box.dataset.drawn === drawn) return;
  box.dataset.drawn = drawn;
  box.replaceChildren(...items);
}

function text(id, value) { $(id).textContent = value === null || value === undefined || value === "" ? "—" : value; }

// the background parts as an operator names them (their ids stay in data-part)
const PARTS = {
  "alerts": "Alertes publiques", "content-folder": "Dossier de contenu", "control": "Page et API",
  "feed": "Flux distant", "feed-cleaner": "Nettoyage du flux", "fleet-presence": "Présence dans la flotte",
  "folder-watch": "Surveillance du dossier", "heap-trim": "Mémoire rendue", "live-sources": "Sources en direct",
  "mqtt": "Courtier MQTT", "plays": "Preuve de diffusion", "prepare": "Préparation des images",
  "programme-fetch": "Programmes", "render": "Affichage", "stall-watch": "Surveillance des blocages",
};
const WHEN = new Intl.DateTimeFormat("fr-FR", { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", second: "2-digit" });

function when(iso) {  // "lundi 7 décembre à 23:53:18", in this browser's time zone
  const date = iso ? new Date(iso) : null;
  return date && !isNaN(date) ? WHEN.format(date) : "";
}

async function refresh() {
  $("shot").src = "screenshot.png?t=" + Date.now();
  try {
    const status = await (await fetch("status", { cache: "no-store" })).json();
    text("screen", status.screen); text("room", status.room); text("now", when(status.now));
    const slide = status.slide || {};
    text("slide", `${slide.index} · ${slide.id} (${slide.type}) ${slide.title || ""}`);
    text("version", (status.content || {}).version);
    text("source", (status.content || {}).source);
    const feed = status.feed;
    text("feed", feed ? `${feed.version || "—"} · il y a ${feed.age_s ?? "?"} s${feed.last_error ? " · " + feed.last_error : ""}` : "");
    text("fps", status.render ? status.render.fps : "");
    const health = Object.entries(status.health || {}).map(([part, state]) => {
      const item = document.createElement("li");
      item.className = state.ok ? "ok" : "bad";
      const restarts = state.restarts ? ` · ${state.restarts} redémarrage(s)` : "";
      item.textContent = `${state.ok ? "✓" : "✗"} ${PARTS[part] || part}${restarts}${state.last_error ? " · " + state.last_error : ""}`;
      item.dataset.part = part;
      return item;
    });
    // lists drawn again only when what they say changes (text a person is reading stays put)
    redraw("health", health);
    const errors = [...((status.content || {}).errors || []), ...((status.content || {}).skipped || [])];
    redraw("errors", errors.map((e) => Object.assign(document.createElement("li"), { textContent: e })));
    const message = status.message;
    $("current-message").replaceChildren(...(message ? [Object.assign(document.createElement("div"),
      { className: "message", textContent: `${message.style} jusqu’à ${message.expires.slice(11, 16)} : ${message.text}` })] : []));
  } catch (error) { say("Le lecteur ne répond pas", true); }
  try {
    const programme = await (await fetch("programme", { cache: "no-store" })).json();
    const rows = (programme.rooms || []).map((room) => {
      const tr = document.createElement("tr");
      const cell = (value) => Object.assign(document.createElement("td"), { textContent: value });
      const show = (event) => event ? `${event.start.slice(11, 16)} ${event.title}` : "—";
      tr.append(cell(room.room), cell(show(room.now)), cell(show(room.next)));
      return tr;
    });
    $("programme").tBodies[0].replaceChildren(...(rows.length ? rows : [Object.assign(document.createElement("tr"), { textContent: "—" })]));
  } catch (error) { /* the programme is optional */ }
}

const pictures = new Map();  // post id -> blob URL (fetched with the token)

async function picture(id) {
  if (pictures.has(id)) return pictures.get(id);
  const response = await fetch("social/picture/" + encodeURIComponent(id), { headers: { "Authorization": "Bearer " + tokenInput.value.trim() } });
  const url = response.ok ? URL.createObjectURL(await response.blob()) : null;
  pictures.set(id, url);
  return url;
}

async function moderation() {
  if (!tokenInput.value.trim()) return;
  let posts;
  try {
    const response = await fetch("social", { cache: "no-store", headers: { "Authorization": "Bearer " + tokenInput.value.trim() } });
    if (!response.ok) return;
    posts = (await response.json()).posts || [];
  } catch (error) { return; }
  $("social").hidden = posts.length === 0;
  // a post whose verdict has not changed keeps its element: the buttons do not move
  // under a finger, and what a test (or a screen reader) holds stays in the page
  const kept = new Map([...$("posts").children].map((item) => [item.dataset.id + "/" + item.dataset.verdict, item]));
  const items = await Promise.all(posts.map(async (post) => {
    const known = kept.get(post.id + "/" + (post.verdict || "waiting"));
    if (known) return known;
    const item = document.createElement("li");
    item.dataset.id = post.id;
    item.dataset.verdict = post.verdict || "waiting";
    item.append(Object.assign(document.createElement("strong"), { textContent: post.author }),
                Object.assign(document.createElement("p"), { textContent: post.text }));
    if (post.picture) {
      const url = await picture(post.id);
      // the author's description of the picture: what a screen reader says, and what the
      // moderator reads to judge it (a picture without one is named as such)
      if (url) item.append(Object.assign(document.createElement("img"), { src: url, alt: post.alt || "" }),
                           Object.assign(document.createElement("small"), { className: "muted", textContent: post.alt ? "Description : " + post.alt : "Image sans description" }));
    }
    const verdict = { approved: "✓ approuvé", rejected: "✗ refusé" }[post.verdict] || "en attente";
    item.append(Object.assign(document.createElement("span"), { className: "muted", textContent: verdict }));
    const buttons = document.createElement("div");
    buttons.className = "buttons";
    for (const [action, label, cls] of [["approve", "Approuver", ""], ["reject", "Refuser", "secondary"]]) {
      const button = Object.assign(document.createElement("button"), { textContent: label, className: cls });
      button.dataset.action = action;
      button.addEventListener("click", () => command("POST", `social/${encodeURIComponent(post.id)}/${action}`).then(moderation));
      buttons.append(button);
    }
    item.append(buttons);
    return item;
  }));
  $("posts").replaceChildren(...items);
}

refresh();
moderation();
setInterval(refresh, 2000);
setInterval(moderation, 3000);
