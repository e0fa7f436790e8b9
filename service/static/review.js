// Review page: autosave every edit through the JSON API, one request at a time, carrying the
// protocol version. A 409 means someone else saved first: stop saving and show the user's text.
// Untrusted text (transcripts, drafts) is only ever put into .value / .textContent, never HTML.
"use strict";
const review = JSON.parse(document.getElementById("review-data").textContent);
const csrf = JSON.parse(document.getElementById("csrf").textContent);
const base = `/api/meetings/${review.id}`;
const audio = document.getElementById("audio");
const saveState = document.getElementById("save-state");
const LABELS = {suggested: "Förslag", accepted: "Godtaget", edited: "Redigerat", rejected: "Struket"};
let version = review.version;
let queue = Promise.resolve();
let pending = 0;
let conflicted = false;
const timers = new Map();

function setPending(delta) {
  pending += delta;
  document.body.dataset.pending = String(pending + timers.size);
  if (conflicted) return;
  saveState.textContent = pending + timers.size ? "Sparar …" : "Alla ändringar sparade";
  saveState.classList.toggle("busy", pending + timers.size > 0);
}

async function message(response) {
  try {
    const body = await response.json();
    const d = body.detail;
    return typeof d === "string" ? d : (d && d.message) || JSON.stringify(d);
  } catch (e) { return response.statusText; }
}

function showConflict(text) {
  conflicted = true;
  document.getElementById("conflict").hidden = false;
  document.getElementById("conflict-text").value = text || "";
  saveState.textContent = "Inte sparat – konflikt";
  saveState.classList.add("error");
}

// Queue one change; `body()` is built when it is sent, so it carries the newest version.
function send(method, path, body, unsaved) {
  setPending(+1);
  queue = queue.then(async () => {
    if (conflicted) return null;
    const payload = Object.assign(body(), {version});
    const r = await fetch(base + path, {method, headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
                                        body: JSON.stringify(payload)});
    if (r.status === 409) { showConflict(unsaved); return null; }
    if (!r.ok) { saveState.textContent = "Kunde inte spara: " + await message(r); saveState.classList.add("error"); return null; }
    const result = await r.json();
    version = result.version;
    saveState.classList.remove("error");
    return result;
  }).catch((e) => { saveState.textContent = "Kunde inte spara (nätverk): " + e; return null; })
    .finally(() => setPending(-1));
  return queue;
}

// Debounced autosave of a field; blur saves at once.
function autosave(el, key, save) {
  let last = el.value;
  const flush = () => {
    if (timers.has(key)) { clearTimeout(timers.get(key)); timers.delete(key); }
    if (el.value === last) { setPending(0); return queue; }
    last = el.value;
    return save(el.value);
  };
  el.addEventListener("input", () => {
    if (timers.has(key)) clearTimeout(timers.get(key));
    timers.set(key, setTimeout(flush, 800));
    setPending(0);
  });
  el.addEventListener("blur", flush);
  return flush;
}

function flushAll() {
  document.querySelectorAll("textarea, input").forEach((el) => el.dispatchEvent(new Event("blur")));
  return queue;
}

// --- audio: jump to an item or a piece of evidence -------------------------------------
let stopAt = null;
audio.addEventListener("timeupdate", () => {
  if (stopAt !== null && audio.currentTime >= stopAt) { audio.pause(); stopAt = null; }
});
document.querySelectorAll("[data-seek]").forEach((button) => {
  button.addEventListener("click", () => {
    audio.currentTime = parseFloat(button.dataset.seek);
    stopAt = button.dataset.until ? parseFloat(button.dataset.until) : null;
    audio.play().catch(() => {});  // a pause before playback starts is not an error
  });
});

// --- header ----------------------------------------------------------------------------
document.querySelectorAll("[data-header]").forEach((el) => {
  const key = el.dataset.header;
  autosave(el, "header:" + key, (value) => send("PATCH", "/header", () => ({
    [key]: el.tagName === "TEXTAREA" ? value.split("\n").filter((s) => s.trim()) : value,
  }), value));
});

// --- items -----------------------------------------------------------------------------
function setStatus(li, status) {
  li.className = "decision status-" + status;
  li.dataset.status = status;
  li.querySelector(".badge").textContent = LABELS[status];
}

document.querySelectorAll("section.item").forEach((section) => {
  const number = section.dataset.number;
  section.querySelectorAll("textarea[data-field]").forEach((el) => {
    const field = el.dataset.field;
    autosave(el, `item:${number}:${field}`, (value) =>
      send("PATCH", `/items/${number}`, () => ({[field]: value}), value));
  });

  section.querySelectorAll("li.decision").forEach((li) => {
    const id = li.dataset.id;
    const text = li.querySelector(".decision-text");
    const decide = (status, withText) => send("PATCH", `/decisions/${id}`,
      () => (withText ? {status, text: text.value} : {status}), text.value)
      .then((r) => { if (r) setStatus(li, withText ? "edited" : status); });
    const flushText = autosave(text, "decision:" + id, () => decide("edited", true));
    li.querySelector(".accept").addEventListener("click", async () => { await flushText(); decide("accepted", false); });
    li.querySelector(".save-edit").addEventListener("click", () => flushText());
    li.querySelector(".reject").addEventListener("click", async () => { await flushText(); decide("rejected", false); });
    li.querySelector(".undo").addEventListener("click", async () => { await flushText(); decide("suggested", false); });
  });

  const input = section.querySelector(".new-decision");
  section.querySelector(".add").addEventListener("click", async () => {
    const value = input.value.trim();
    if (!value) return;
    await flushAll();
    const r = await send("POST", `/items/${number}/decisions`, () => ({text: value}), value);
    if (r) location.reload();
  });

  section.querySelector(".redraft").addEventListener("click", async (ev) => {
    ev.target.disabled = true;
    ev.target.textContent = "Skriver om …";
    await flushAll();
    const r = await send("POST", `/items/${number}/redraft`, () => ({}), "");
    if (r) location.reload(); else { ev.target.disabled = false; ev.target.textContent = "↻ Skriv om punkten från transkriptet"; }
  });
});

// Never lose an edit by leaving the page with a save still waiting.
window.addEventListener("beforeunload", (ev) => {
  if (pending + timers.size > 0) { flushAll(); ev.preventDefault(); ev.returnValue = ""; }
});
document.getElementById("export").addEventListener("click", (ev) => {
  if (pending + timers.size > 0) { ev.preventDefault(); flushAll().then(() => { location.href = ev.target.href; }); }
});
document.body.dataset.pending = "0";
