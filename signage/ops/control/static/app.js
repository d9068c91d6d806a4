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
    if (!response.ok) { say((response.status === 401 ? "Jeton refusé : " : "Refusé : ") + (data.error || response.status), true); return null; }
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

function text(id, value) { $(id).textContent = value === null || value === undefined || value === "" ? "—" : value; }

async function refresh() {
  $("shot").src = "screenshot.png?t=" + Date.now();
  try {
    const status = await (await fetch("status", { cache: "no-store" })).json();
    text("screen", status.screen); text("room", status.room); text("now", status.now);
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
      item.textContent = `${state.ok ? "✓" : "✗"} ${part}${restarts}${state.last_error ? " · " + state.last_error : ""}`;
      item.dataset.part = part;
      return item;
    });
    $("health").replaceChildren(...health);
    const errors = [...((status.content || {}).errors || []), ...((status.content || {}).skipped || [])];
    $("errors").replaceChildren(...errors.map((e) => Object.assign(document.createElement("li"), { textContent: e })));
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

refresh();
setInterval(refresh, 2000);
