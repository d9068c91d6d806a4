"use strict";
const $ = (id) => document.getElementById(id);
const tokenInput = $("token");
tokenInput.value = localStorage.getItem("signage-fleet-token") || "";
tokenInput.addEventListener("change", () => localStorage.setItem("signage-fleet-token", tokenInput.value.trim()));
const STATES = [["open", "Ouverte"], ["full", "Complet"], ["closed", "Fermée"]];
const extraRooms = new Set();
let last = null;

function el(tag, props, ...children) {
  const { dataset, ...rest } = props || {};
  const node = Object.assign(document.createElement(tag), rest);
  Object.assign(node.dataset, dataset || {});
  for (const child of children) node.append(child);
  return node;
}

function ago(iso) {
  if (!iso) return "jamais";
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 60 ? `il y a ${s} s` : s < 3600 ? `il y a ${Math.round(s / 60)} min` : `il y a ${Math.round(s / 3600)} h`;
}

function reached(target) {
  // the screens a target reaches, and how the page says it
  const screens = (last ? last.screens : []).filter((s) => s.online);
  if (target === "all") return [screens.length, `tous les écrans (${screens.length})`];
  if (target.startsWith("group:")) {
    const group = target.slice(6);
    return [screens.filter((s) => (s.groups || []).includes(group)).length, `le groupe ${group}`];
  }
  return [1, `l’écran ${target.slice(7)}`];
}

async function send(path, body, done) {
  const feedback = $("feedback");
  feedback.className = "";
  if (body.target !== undefined) {
    if (!body.target) {
      feedback.className = "bad";
      feedback.textContent = "Choisissez à qui envoyer (un écran, un groupe ou tous).";
      return;
    }
    const [count, who] = reached(body.target);
    // more than one screen: only once the person has confirmed how many
    if (count > 1 && !window.confirm(`Envoyer à ${count} écrans ?`)) {
      feedback.textContent = "Rien n’a été envoyé.";
      return;
    }
    done = done || `Envoyé à ${who}.`;
  }
  feedback.textContent = "…";
  try {
    const answer = await fetch(path, {
      method: "POST",
      headers: { "Authorization": "Bearer " + tokenInput.value.trim(), "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await answer.json();
    if (!answer.ok) throw new Error(data.error || answer.status);
    feedback.textContent = done || "Envoyé.";
    refresh();
  } catch (error) {
    feedback.className = "bad";
    feedback.textContent = "Refusé : " + error.message;
  }
}

function unchanged(box, data) {
  // a list drawn again only when what it shows changes: a button under a steward's finger
  // stays where it is (a tap between touch and click would land on a removed one)
  const drawn = JSON.stringify(data);
  if (box.dataset.drawn === drawn) return true;
  box.dataset.drawn = drawn;
  return false;
}

function renderRooms(rooms) {
  const list = $("rooms");
  const named = new Map(rooms.map((r) => [r.room, r]));
  for (const room of extraRooms) if (!named.has(room)) named.set(room, { room, state: "open", note: "" });
  if (unchanged(list, [...named.values()])) return;
  list.replaceChildren();
  for (const room of named.values()) {
    const item = el("li", { className: "room", dataset: { room: room.room } }, el("span", { className: "name", textContent: room.room }));
    for (const [state, label] of STATES) {
      const button = el("button", { type: "button", textContent: label, className: `${state}${room.state === state ? " on" : ""}`, dataset: { state } });
      button.addEventListener("click", () => send("api/rooms", { room: room.room, state, note: "" }, `${room.room} : ${label} — envoyé aux écrans.`));
      item.append(button);
    }
    list.append(item);
  }
}

function renderTargets(screens) {
  const select = $("target");
  const chosen = select.value;
  const groups = [...new Set(screens.flatMap((s) => s.groups || []))].sort();
  const online = screens.filter((s) => s.online).length;
  // nothing chosen at first: one tap never reaches every screen by default
  const wanted = [["", "— choisir —"], ["all", `Tous les écrans (${online})`],
                  ...groups.map((g) => ["group:" + g, "Groupe " + g]),
                  ...screens.map((s) => ["screen:" + s.screen, "Écran " + s.screen])];
  const same = select.options.length === wanted.length
    && wanted.every(([value, text], i) => select.options[i].value === value && select.options[i].textContent === text);
  if (same) return;  // the options kept as they are: a list open on a phone stays open
  select.replaceChildren(...wanted.map(([value, textContent]) => el("option", { value, textContent })));
  select.value = [...select.options].some((o) => o.value === chosen) ? chosen : "";
}

function renderScreens(screens) {
  const box = $("screens");
  box.replaceChildren();
  for (const s of screens) {
    const card = el("article", { className: "screen" + (s.online ? "" : " offline"), dataset: { screen: s.screen } });
    card.append(el("h3", {}, el("span", { textContent: s.screen }), el("span", { className: "state", textContent: s.online ? "en ligne" : "hors ligne" })));
    if (s.thumbnail) card.append(el("img", { src: s.thumbnail, alt: "Écran " + s.screen, loading: "lazy" }));
    const slide = s.slide || {};
    card.append(el("div", { className: "line slide", textContent: slide.title || slide.id || "—" }));
    card.append(el("div", { className: "line", textContent: [s.room, (s.groups || []).join(", ")].filter(Boolean).join(" · ") || "—" }));
    card.append(el("div", { className: "line", textContent: `version ${(s.content || {}).version || "—"} · vu ${ago(s.last_seen)}` }));
    const said = Object.fromEntries(STATES);
    if (s.room_state && s.room_state.state !== "open") card.append(el("div", { className: "line", textContent: "Salle : " + (said[s.room_state.state] || s.room_state.state) }));
    if (s.message) card.append(el("div", { className: "message", textContent: s.message.text }));
    if ((s.errors || []).length) card.append(el("div", { className: "errors", textContent: `${s.errors.length} erreur(s) : ${s.errors[0]}` }));
    box.append(card);
  }
}

function renderAlerts(alerts) {
  const problems = { offline: "hors ligne", stalled: "écran figé", errors: "erreurs de contenu" };
  $("alerts").replaceChildren(...alerts.slice(0, 10).map((a) => el("li", {
    className: a.state === "raised" ? "bad" : "",
    textContent: `${new Date(a.at).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" })} ${a.screen} : ${problems[a.problem] || a.problem}${a.state === "raised" ? "" : " — rétabli"}`,
  })));
}

function renderEvents(events) {
  $("events").replaceChildren(...events.slice(0, 15).map((e) => el("li", { className: e.ok === false ? "bad" : "", textContent: `${e.screen || ""} ${e.command || e.room || ""} ${e.ok === false ? "refusé : " + e.error : "ok"}` })));
}

async function refresh() {
  try {
    const answer = await fetch("api/screens", { cache: "no-store" });
    last = await answer.json();
  } catch (error) {
    $("summary").textContent = "page injoignable";
    return;
  }
  const online = last.screens.filter((s) => s.online).length;
  $("summary").textContent = `${online} en ligne sur ${last.screens.length}`;
  $("broker").textContent = last.broker.connected ? "" : "· broker injoignable : " + (last.broker.last_error || "");
  renderRooms(last.rooms);
  renderTargets(last.screens);
  renderScreens(last.screens);
  renderEvents(last.events || []);
  renderAlerts(last.alerts || []);
  document.body.dataset.loaded = String(last.screens.length);
}

for (const button of document.querySelectorAll("[data-command]")) {
  button.addEventListener("click", () => send("api/command", { target: $("target").value, command: button.dataset.command }));
}
$("alert-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = $("cap").files[0];
  if (!file) return;
  // checked by the fleet before it is published, then by each screen (its area, its time)
  send("api/command", { target: $("target").value, command: "alert", cap: await file.text() });
});
$("message-form").addEventListener("submit", (event) => {
  event.preventDefault();
  send("api/command", { target: $("target").value, command: "message", text: $("text").value, style: $("style").value, expires_in: Number($("expires").value) });
});
$("add-room").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("new-room").value.trim();
  if (name) { extraRooms.add(name); $("new-room").value = ""; if (last) renderRooms(last.rooms); }
});
refresh();
setInterval(refresh, 2000);
