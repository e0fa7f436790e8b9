// Review page: every field saves by itself through the JSON API, one request at a time, carrying the
// version the field was last seen at; the server refuses (409) only if someone changed that same field
// since, and the conflict is shown beside it with both texts. A failed save says so in the bar and keeps
// the text. Open tabs poll /changes and redraw the items someone else changed. Item-level actions
// (add a decision, redraft, move boundaries) redraw their items from the server's page, without a reload.
// Untrusted text (transcripts, drafts) is only ever put into .value / .textContent, never HTML.
"use strict";
const review = JSON.parse(document.getElementById("review-data").textContent);
const csrf = JSON.parse(document.getElementById("csrf").textContent);
const base = `/api/meetings/${review.id}`;
const audio = document.getElementById("audio");
const saveState = document.getElementById("save-state");
const retryButton = document.getElementById("retry");
const LABELS = {suggested: "Förslag", accepted: "Godtaget", edited: "Redigerat", rejected: "Struket"};
const POLL_MS = 4000;

let queue = Promise.resolve();
let pending = 0;
let seen = review.version;          // changes after this one have not been looked at yet
const known = new Map();            // field key -> version the field was last saved or drawn at
const own = new Set();              // versions this tab wrote (polling skips them)
const timers = new Map();           // field key -> debounce timer
const failed = new Map();           // field key -> {message, retry}
const conflicts = new Map();        // field key -> the box shown beside the field
const flushers = new Map();         // field key -> save now

// --- the status bar: it never says "saved" while something is not -------------------------------
function showState() {
  const busy = pending + timers.size;
  document.body.dataset.pending = String(busy);
  document.body.dataset.failed = String(unsavedCount() + conflicts.size);
  saveState.classList.toggle("busy", busy > 0 && !failed.size && !conflicts.size);
  saveState.classList.toggle("error", failed.size + conflicts.size > 0);
  retryButton.hidden = !unsavedCount();
  // A field that did not save comes first; a lost session or page is said as it is.
  const unsaved = [...failed.values()].find((f) => f.el);
  if (conflicts.size) saveState.textContent = `Inte sparat – konflikt i ${conflicts.size} fält (se fältet)`;
  else if (unsaved) saveState.textContent = "Inte sparat: " + unsaved.message;
  else if (failed.size) saveState.textContent = [...failed.values()][0].message;
  else saveState.textContent = busy ? "Sparar …" : "Alla ändringar sparade";
}

function unsavedCount() {
  return [...failed.values()].filter((f) => f.el).length;
}

async function message(response) {
  if (response.status === 401) return "du är utloggad. Logga in i en ny flik och tryck Försök spara igen – texten finns kvar.";
  try {
    const body = await response.json();
    const d = body.detail;
    return typeof d === "string" ? d : (d && d.message) || JSON.stringify(d);
  } catch (e) { return response.statusText || String(response.status); }
}

function versionOf(key, el) {
  if (known.has(key)) return known.get(key);
  const holder = el && el.closest("[data-version]");
  return holder ? Number(holder.dataset.version) : review.version;
}

// The base version of an item-level action: the newest this tab has drawn or saved in the item.
function itemVersion(section) {
  const number = section.dataset.number;
  let v = Number(section.dataset.version);
  for (const [key, kv] of known) if (key.startsWith(`item:${number}:`) || section.querySelector(`[data-key="${key}"]`)) v = Math.max(v, kv);
  return v;
}

// Queue one change. `body()` is built when it is sent; `key` names the field (for the version check,
// the failure and the conflict); `el` is the field (its text is what the user wants kept).
function send(method, path, body, {key, el = null, version = null, onConflict = null}) {
  pending += 1;
  showState();
  queue = queue.then(async () => {
    const base_version = version !== null ? version() : versionOf(key, el);
    let r;
    try {
      r = await fetch(base + path, {method, headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
                                    body: JSON.stringify(Object.assign(body(), {version: base_version}))});
    } catch (e) {
      failed.set(key, {message: "nätverket svarar inte – texten finns kvar.", el});
      return null;
    }
    if (r.status === 409 && onConflict) { failed.delete(key); await onConflict(r); return null; }
    if (!r.ok) { failed.set(key, {message: await message(r), el}); if (el) el.classList.add("unsaved"); return null; }
    const result = await r.json();
    failed.delete(key);
    if (el) el.classList.remove("unsaved");
    own.add(result.version);
    known.set(key, result.version);
    return result;
  }).finally(() => { pending -= 1; showState(); });
  return queue;
}

// --- conflicts: both versions beside the field ----------------------------------------------------
async function currentValue(key) {
  const r = await fetch(base + "/protocol");
  if (!r.ok) return null;
  const p = await r.json();
  const [kind, a, b] = key.split(":");
  if (kind === "decision") {
    for (const item of p.items) for (const d of item.decisions) if (d.id === a) return {text: d.text, version: p.version};
    return {text: "(beslutet finns inte längre)", version: p.version};
  }
  if (kind === "item") return {text: p.items.find((i) => String(i.number) === a)[b], version: p.version};
  const v = p.meeting[a];
  return {text: Array.isArray(v) ? v.map((x) => (x.name ? [x.name, x.organisation].filter(Boolean).join(", ") : x)).join("\n") : (v || ""), version: p.version};
}

function conflictHandler(key, el, resend) {
  return async (response) => {
    const theirs = await currentValue(key);
    if (conflicts.has(key)) conflicts.get(key).remove();
    const box = document.createElement("div");
    box.className = "conflict";
    box.setAttribute("role", "alert");
    const title = document.createElement("strong");
    title.textContent = "Någon annan sparade fältet medan du skrev. Din text finns kvar i fältet; den andra versionen:";
    const other = document.createElement("textarea");
    other.readOnly = true;
    other.className = "theirs";
    other.value = theirs ? theirs.text : "";
    const keep = document.createElement("button");
    keep.type = "button";
    keep.className = "keep-mine";
    keep.textContent = "Behåll min text";
    const take = document.createElement("button");
    take.type = "button";
    take.className = "take-theirs";
    take.textContent = "Använd den andra";
    const close = () => { box.remove(); conflicts.delete(key); showState(); };
    keep.addEventListener("click", () => { known.set(key, theirs.version); close(); resend(); });
    take.addEventListener("click", () => {
      known.set(key, theirs.version);
      el.value = other.value;
      el.dispatchEvent(new Event("synced"));
      close();
    });
    box.append(title, other, keep, take);
    el.insertAdjacentElement("afterend", box);
    conflicts.set(key, box);
  };
}

// Debounced autosave of a field; blur saves at once. A failed save is retried on the next edit,
// blur or "Försök spara igen", because the field still differs from what was saved.
function autosave(el, key, save) {
  el.dataset.key = key;
  let saved = el.value;
  el.addEventListener("synced", () => { saved = el.value; });
  const flush = () => {
    if (timers.has(key)) { clearTimeout(timers.get(key)); timers.delete(key); }
    if (el.value === saved || conflicts.has(key)) { showState(); return queue; }
    const value = el.value;
    return save(value, conflictHandler(key, el, flush)).then((r) => { if (r) saved = value; return r; });
  };
  el.addEventListener("input", () => {
    if (timers.has(key)) clearTimeout(timers.get(key));
    timers.set(key, setTimeout(flush, 800));
    showState();
  });
  el.addEventListener("blur", flush);
  el.isDirty = () => el.value !== saved;
  flushers.set(key, flush);
  return flush;
}

function flushAll() {
  for (const flush of flushers.values()) flush();
  return queue;
}
retryButton.addEventListener("click", () => {
  for (const [key, {el}] of failed) {
    failed.delete(key);
    if (flushers.has(key)) flushers.get(key)(); else if (el) el.dispatchEvent(new Event("retry"));
  }
  showState();
});

// --- audio: play an item or a piece of evidence; the play button toggles -------------------------
let stopAt = null;
let playing = null;
audio.addEventListener("timeupdate", () => {
  if (stopAt !== null && audio.currentTime >= stopAt) { audio.pause(); stopAt = null; }
});
audio.addEventListener("pause", () => { if (playing) { playing.textContent = playing.dataset.label; playing = null; } });
function bindSeek(root) {
  root.querySelectorAll("[data-seek]").forEach((button) => {
    button.dataset.label = button.textContent;
    button.addEventListener("click", () => {
      if (playing === button && !audio.paused) { audio.pause(); return; }
      if (playing) playing.textContent = playing.dataset.label;
      audio.currentTime = parseFloat(button.dataset.seek);
      stopAt = button.dataset.until ? parseFloat(button.dataset.until) : null;
      playing = button;
      button.textContent = "⏸ Pausa";
      audio.play().catch(() => {});  // a pause before playback starts is not an error
    });
  });
}

// --- header ---------------------------------------------------------------------------------------
function bindHeader(header) {
  header.querySelectorAll("[data-header]").forEach((el) => {
    const key = "meeting:" + el.dataset.header;
    autosave(el, key, (value, onConflict) => send("PATCH", "/header", () => ({
      [el.dataset.header]: el.tagName === "TEXTAREA" ? value.split("\n").filter((s) => s.trim()) : value,
    }), {key, el, onConflict}));
  });
}

// --- redrawing items from the server (after an item-level action, or another tab's change) --------
async function redraw(numbers) {
  const r = await fetch(location.pathname, {headers: {Accept: "text/html"}});
  if (!r.ok) { failed.set("page", {message: "Kunde inte hämta punkterna: " + await message(r)}); showState(); return; }
  failed.delete("page");
  const doc = new DOMParser().parseFromString(await r.text(), "text/html");
  const toc = doc.getElementById("punkter");
  document.getElementById("punkter").replaceWith(document.adoptNode(toc));
  bindToc();
  for (const section of doc.querySelectorAll("section.item")) {
    const number = section.dataset.number;
    if (numbers && !numbers.includes(number)) continue;
    const old = document.getElementById("punkt-" + number);
    if (!old || isBusy(old)) continue;  // never overwrite what the secretary is typing
    for (const key of [...known.keys()]) if (old.querySelector(`[data-key="${key}"]`) || key.startsWith(`item:${number}:`)) known.delete(key);
    for (const el of old.querySelectorAll("[data-key]")) flushers.delete(el.dataset.key);
    const adopted = document.adoptNode(section);
    old.replaceWith(adopted);
    bindSection(adopted);
  }
}

function isBusy(section) {
  return [...section.querySelectorAll("[data-key]")].some((el) => timers.has(el.dataset.key) || conflicts.has(el.dataset.key)
    || failed.has(el.dataset.key) || (el.isDirty && el.isDirty()));
}

// --- items ----------------------------------------------------------------------------------------
function setStatus(li, status) {
  li.className = "decision status-" + status;
  li.dataset.status = status;
  li.querySelector(".badge").textContent = LABELS[status];
  countReviewed(li.closest("section.item"));
}

function countReviewed(section) {
  const all = section.querySelectorAll("li.decision");
  const done = [...all].filter((li) => li.dataset.status !== "suggested").length;
  const text = `${done}/${all.length} granskade`;
  section.querySelector(".item-head .progress").textContent = text;
  const link = document.querySelector(`#punkter a[data-number="${section.dataset.number}"]`);
  if (link) {
    link.querySelector(".progress").textContent = text;
    link.classList.toggle("done", done === all.length && !section.classList.contains("needs-review"));
  }
}

function parseClock(text) {
  const parts = text.trim().split(":").map(Number);
  if (!parts.length || parts.some((n) => Number.isNaN(n))) return null;
  return parts.reduce((acc, n) => acc * 60 + n, 0);
}
function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const mm = String(Math.floor(s / 60) % 60).padStart(2, "0"), ss = String(s % 60).padStart(2, "0");
  return s >= 3600 ? `${String(Math.floor(s / 3600)).padStart(2, "0")}:${mm}:${ss}` : `${mm}:${ss}`;
}

function bindBounds(section, number) {
  const bounds = {};
  section.querySelectorAll(".bounds-row").forEach((row) => {
    const text = row.querySelector("input.bound");
    const slider = row.querySelector("input.slider");
    const which = text.dataset.bound;
    if (audio.duration) slider.max = String(audio.duration);
    bounds[which] = parseFloat(slider.value);
    const set = (seconds, from) => {
      bounds[which] = seconds;
      if (from !== slider) slider.value = String(seconds);
      if (from !== text) text.value = clock(seconds);
    };
    slider.addEventListener("input", () => set(parseFloat(slider.value), slider));
    text.addEventListener("change", () => { const s = parseClock(text.value); if (s !== null) set(s, text); });
    row.querySelector("button.here").addEventListener("click", () => set(audio.currentTime, null));
  });
  const key = `item:${number}:bounds`;
  const move = section.querySelector(".move-bounds");
  const doMove = async () => {
    await flushAll();
    move.disabled = true;
    // The move rewrites the neighbours too: based on the newest version this tab has of any item.
    const newest = () => Math.max(...[...document.querySelectorAll("section.item")].map(itemVersion));
    const r = await send("PATCH", `/items/${number}/bounds`, () => ({start: bounds.start, end: bounds.end}),
                         {key, el: move, version: newest});
    move.disabled = false;
    if (r) await redraw(null);  // the neighbours changed too
  };
  move.addEventListener("click", doMove);
  move.addEventListener("retry", doMove);
}

function bindSection(section) {
  const number = section.dataset.number;
  bindSeek(section);
  bindBounds(section, number);
  section.querySelectorAll("textarea[data-field]").forEach((el) => {
    const field = el.dataset.field;
    const key = `item:${number}:${field}`;
    autosave(el, key, (value, onConflict) =>
      send("PATCH", `/items/${number}`, () => ({[field]: value}), {key, el, onConflict}));
  });

  section.querySelectorAll("li.decision").forEach((li) => {
    const id = li.dataset.id;
    const key = "decision:" + id;
    const text = li.querySelector(".decision-text");
    const decide = (status, withText, onConflict) => send("PATCH", `/decisions/${id}`,
      () => (withText ? {status, text: text.value} : {status}), {key, el: text, onConflict})
      .then((r) => { if (r) setStatus(li, withText ? "edited" : status); return r; });
    const flushText = autosave(text, key, (value, onConflict) => decide("edited", true, onConflict));
    const act = (status) => async () => {
      await flushText();
      if (conflicts.has(key)) return;
      const r = await decide(status, false, conflictHandler(key, text, act(status)));
      if (r && status === "suggested" && li.querySelector(".drafted")) redraw([number]);  // the AI's wording is back
    };
    li.querySelector(".accept").addEventListener("click", act("accepted"));
    const saveEdit = li.querySelector(".save-edit");
    saveEdit.addEventListener("click", async () => {
      await flushText();
      if (failed.has(key) || conflicts.has(key)) return;  // the bar and the field say why
      saveEdit.textContent = "Sparat ✓";
      setTimeout(() => { saveEdit.textContent = "Spara ändring"; }, 1500);
    });
    li.querySelector(".reject").addEventListener("click", act("rejected"));
    li.querySelector(".undo").addEventListener("click", act("suggested"));
  });

  section.querySelectorAll("button.handle").forEach((button) => {
    const key = `item:${number}:flags`;
    const mark = async () => {
      const r = await send("PATCH", `/items/${number}/flags`,
        () => ({flag: button.dataset.flag, handled: button.dataset.handled !== "true"}),
        {key, el: button, version: () => itemVersion(section)});
      if (r) redraw([number]);
    };
    button.addEventListener("click", mark);
    button.addEventListener("retry", mark);
  });

  const versus = section.querySelector("details.versus");
  if (versus) bindVersus(versus, section.querySelector("textarea.summary"));
  bindHistory(section);

  const input = section.querySelector(".new-decision");
  input.dataset.key = `item:${number}:decisions`;
  const add = async () => {
    const value = input.value.trim();
    if (!value) return;
    await flushAll();
    const r = await send("POST", `/items/${number}/decisions`, () => ({text: value}),
                         {key: `item:${number}:decisions`, el: input, version: () => itemVersion(section)});
    if (r) { input.value = ""; await redraw([number]); }
  };
  section.querySelector(".add").addEventListener("click", add);
  input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); add(); } });
  input.addEventListener("retry", add);

  const redraftButton = section.querySelector(".redraft");
  const redraft = async () => {
    redraftButton.disabled = true;
    redraftButton.textContent = `Skriver om punkt ${number} …`;
    await flushAll();
    const r = await send("POST", `/items/${number}/redraft`, () => ({}),
                         {key: `item:${number}:redraft`, el: redraftButton, version: () => itemVersion(section)});
    if (r) await redraw([number]);
    else { redraftButton.disabled = false; redraftButton.textContent = "↻ Skriv om punkten från transkriptet"; }
  };
  redraftButton.addEventListener("click", redraft);
  redraftButton.addEventListener("retry", redraft);
}

// --- the AI draft beside the current text, and the item's history ---------------------------------
// Word diff by longest common subsequence; summaries are short, so the table stays small.
function wordDiff(before, after) {
  const a = before.split(/\s+/).filter(Boolean), b = after.split(/\s+/).filter(Boolean);
  if (a.length * b.length > 250000) return [["del", before], ["ins", after]];
  const n = a.length, m = b.length;
  const lcs = Array.from({length: n + 1}, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--)
    lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  const push = (kind, word) => {
    if (out.length && out[out.length - 1][0] === kind) out[out.length - 1][1] += " " + word; else out.push([kind, word]);
  };
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { push("same", a[i]); i++; j++; }
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) push("del", a[i++]);
    else push("ins", b[j++]);
  }
  while (i < n) push("del", a[i++]);
  while (j < m) push("ins", b[j++]);
  return out;
}

function bindVersus(details, field) {
  const draw = () => {
    const p = details.querySelector(".diff");
    p.replaceChildren();
    for (const [kind, text] of wordDiff(details.dataset.draft, field.value)) {
      const span = document.createElement(kind === "same" ? "span" : kind);
      span.textContent = text;
      p.append(span, " ");
    }
    if (details.dataset.draft === field.value) p.textContent = "Oförändrad från AI:s utkast.";
  };
  details.addEventListener("toggle", draw);
  field.addEventListener("input", () => { if (details.open) draw(); });
  details.querySelector(".restore").addEventListener("click", () => {
    field.value = details.dataset.draft;
    field.dispatchEvent(new Event("input"));
    field.dispatchEvent(new Event("blur"));  // save now
  });
}

const ACTIONS = {ai_draft: "AI-utkastet levererades", decision: "Beslut granskat", decision_added: "Beslut tillagt",
                 item: "Text ändrad", redraft: "Punkten omskriven", bounds: "Gränserna flyttade", flag: "Flagga",
                 header: "Mötesuppgifter ändrade"};
function describe(entry) {
  const after = entry.after || {};
  if (entry.action === "decision") return `${LABELS[after.status] || ""}: ${after.text || ""}`;
  if (entry.action === "decision_added") return after.text || "";
  if (entry.action === "item") return Object.entries(after).map(([k, v]) => `${k === "summary" ? "sammanfattning" : "transkript"}: ${String(v).slice(0, 120)}`).join("; ");
  if (entry.action === "flag") return `${after.handled ? "hanterad" : "öppen igen"}: ${after.flag}`;
  if (entry.action === "bounds") return Object.entries(after).map(([n, b]) => `punkt ${n} ${b.start === null ? "–" : clock(b.start)}–${b.end === null ? "–" : clock(b.end)}`).join(", ");
  return "";
}
function bindHistory(section) {
  const details = section.querySelector("details.history");
  details.addEventListener("toggle", async () => {
    if (!details.open) return;
    const r = await fetch(base + "/audit");
    if (!r.ok) return;
    const number = section.dataset.number;
    const ids = new Set([...section.querySelectorAll("li.decision")].map((li) => "decision:" + li.dataset.id));
    const mine = (await r.json()).filter((e) => e.action === "ai_draft" || ids.has(e.target)
      || (e.target.startsWith("item:") && e.target.split(":")[1].split(",").includes(number)));
    const list = details.querySelector("ol");
    list.replaceChildren(...mine.reverse().map((e) => {
      const li = document.createElement("li");
      li.textContent = `${e.at.slice(0, 16).replace("T", " ")} · ${e.actor} · ${ACTIONS[e.action] || e.action} ${describe(e)}`;
      return li;
    }));
  });
}

// --- overview: progress per item, next unreviewed, the timeline -----------------------------------
function bindToc() {
  document.getElementById("next-unreviewed").addEventListener("click", nextUnreviewed);
  layoutTimeline();
}
function layoutTimeline() {
  const toc = document.getElementById("punkter");
  const duration = audio.duration || parseFloat(toc.dataset.duration) || 1;
  toc.querySelectorAll(".timeline .span").forEach((span) => {
    const start = parseFloat(span.dataset.start), end = parseFloat(span.dataset.end);
    span.style.left = `${(100 * start) / duration}%`;
    span.style.width = `${(100 * Math.max(0, end - start)) / duration}%`;
  });
}

function unreviewed(section) {
  return section.classList.contains("needs-review")
    || [...section.querySelectorAll("li.decision")].some((li) => li.dataset.status === "suggested");
}
function nextUnreviewed() {
  const sections = [...document.querySelectorAll("section.item")];
  const here = sections.findIndex((s) => s.contains(document.activeElement) || s === document.activeElement);
  const order = [...sections.slice(here + 1), ...sections.slice(0, here + 1)];
  const next = order.find(unreviewed);
  if (!next) { saveState.textContent = "Alla punkter är granskade"; return; }
  next.scrollIntoView({block: "start"});
  const li = [...next.querySelectorAll("li.decision")].find((x) => x.dataset.status === "suggested");
  (li ? li.querySelector(".decision-text") : next).focus({preventScroll: true});
}

// Alt+G godta, Alt+S stryk (then on to the next proposal), Alt+E redigera (the decision with focus, or the
// item's first proposal), Alt+N the next item with something left to review.
document.addEventListener("keydown", (ev) => {
  if (!ev.altKey || ev.ctrlKey || ev.metaKey) return;
  const k = ev.key.toLowerCase();
  if (k === "n") { ev.preventDefault(); nextUnreviewed(); return; }
  const section = document.activeElement && document.activeElement.closest && document.activeElement.closest("section.item");
  const li = (document.activeElement.closest && document.activeElement.closest("li.decision"))
    || (section && [...section.querySelectorAll("li.decision")].find((x) => x.dataset.status === "suggested"));
  if (!li) return;
  const button = {g: ".accept", s: ".reject"}[k];
  if (button) {
    ev.preventDefault();
    li.querySelector(button).click();
    // on to the item's next proposal, so a run of decisions goes key by key
    const rest = [...li.closest("ul").querySelectorAll("li.decision")];
    const next = rest.slice(rest.indexOf(li) + 1).find((x) => x.dataset.status === "suggested");
    if (next) next.querySelector(".decision-text").focus();
  }
  else if (k === "e") { ev.preventDefault(); li.querySelector(".decision-text").focus(); }
});

// --- other tabs: poll what changed and redraw those items -----------------------------------------
function itemsOf(target) {
  if (target === "protocol") return [...document.querySelectorAll("section.item")].map((s) => s.dataset.number);
  const [kind, rest] = target.split(":");
  if (kind === "item") return rest.split(",");
  if (kind === "decision") {
    const li = document.querySelector(`li.decision[data-id="${rest}"]`);
    return li ? [li.closest("section.item").dataset.number] : [];
  }
  return [];
}
async function poll() {
  if (pending) return;
  let r;
  try { r = await fetch(`${base}/changes?since=${seen}`); } catch (e) { return; }
  if (r.status === 401) {
    failed.set("session", {message: "Du är utloggad – logga in i en ny flik innan du fortsätter."});
    showState();
    return;
  }
  if (!r.ok) return;
  if (failed.delete("session")) showState();
  const body = await r.json();
  const theirs = body.changes.filter((c) => !own.has(c.version));
  if (!theirs.length) { seen = Math.max(seen, body.version); return; }
  const numbers = [...new Set(theirs.flatMap((c) => itemsOf(c.target)))];
  if (numbers.length) await redraw(numbers);
  seen = Math.max(seen, body.version);
  const note = document.getElementById("remote");
  note.hidden = false;
  note.textContent = "Ändringar från en annan flik eller person visas nu" +
    (theirs.some((c) => c.target.startsWith("meeting")) ? " (ladda om för att se mötesuppgifterna)." : ".");
}
setInterval(poll, POLL_MS);

// Never lose an edit by leaving the page with a save still waiting or failed.
window.addEventListener("beforeunload", (ev) => {
  if (pending + timers.size + unsavedCount() + conflicts.size > 0) { flushAll(); ev.preventDefault(); ev.returnValue = ""; }
});
document.getElementById("export").addEventListener("click", (ev) => {
  if (pending + timers.size > 0) { ev.preventDefault(); flushAll().then(() => { location.href = ev.target.href; }); }
});

bindHeader(document.getElementById("header"));
document.querySelectorAll("section.item").forEach(bindSection);
bindToc();
audio.addEventListener("loadedmetadata", () => {
  layoutTimeline();
  document.querySelectorAll("input.slider").forEach((s) => { s.max = String(audio.duration); });
});
showState();
