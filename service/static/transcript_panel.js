// The transcript beside the audio: the sentence being played is highlighted, a click on a sentence plays
// from there. Search shows where a word occurs; "Ersätt alla" replaces it in every item (one audited change
// on the server) and reloads the page so every field shows the new text. Text goes in via textContent only.
"use strict";
(() => {
  const meetingId = JSON.parse(document.getElementById("review-data").textContent).id;
  const token = JSON.parse(document.getElementById("csrf").textContent);
  const api = `/api/meetings/${meetingId}`;
  const player = document.getElementById("audio");
  const list = document.getElementById("sentences");
  const result = document.getElementById("replace-result");
  const hits = document.getElementById("hits");
  const find = document.getElementById("find");
  const replaceWith = document.getElementById("replace-with");
  const FIELDS = {transcript: "transkriptet", summary: "sammanfattningen"};
  let rows = [];
  let current = null;

  async function detail(r) {
    try { const d = (await r.json()).detail; return typeof d === "string" ? d : JSON.stringify(d); }
    catch (e) { return r.statusText; }
  }
  const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

  async function load() {
    const r = await fetch(`${api}/sentences`);
    if (!r.ok) { result.textContent = "Transkriptet kunde inte läsas: " + await detail(r); return; }
    let item;
    rows = [];
    for (const s of await r.json()) {
      if (s.item !== item && s.item !== null) {
        const head = document.createElement("li");
        head.className = "sentence-item";
        head.textContent = `Punkt ${s.item}`;
        list.appendChild(head);
      }
      item = s.item;
      const li = document.createElement("li");
      li.className = "sentence";
      li.tabIndex = 0;
      li.dataset.start = s.start;
      const time = document.createElement("span");
      time.className = "times";
      time.textContent = clock(s.start) + " ";
      li.append(time, s.text);
      const play = () => { player.currentTime = s.start; player.play().catch(() => {}); };
      li.addEventListener("click", play);
      li.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); play(); } });
      list.appendChild(li);
      rows.push({li, start: s.start, end: s.end});
    }
  }

  function highlight() {
    const t = player.currentTime;
    const row = rows.find((r) => r.start <= t && t < r.end) || null;
    if (row === current) return;
    if (current) current.li.classList.remove("playing");
    current = row;
    if (row) {
      row.li.classList.add("playing");
      // scroll inside the panel only, never the page the secretary is working in
      const top = row.li.offsetTop;  // the list is the offset parent (position: relative)
      if (top < list.scrollTop || top > list.scrollTop + list.clientHeight - row.li.offsetHeight) list.scrollTop = top - 40;
    }
  }
  player.addEventListener("timeupdate", highlight);
  player.addEventListener("seeked", highlight);

  document.getElementById("search-button").addEventListener("click", async () => {
    hits.replaceChildren();
    const r = await fetch(`${api}/search?` + new URLSearchParams({q: find.value}));
    if (!r.ok) { result.textContent = await detail(r); return; }
    const found = await r.json();
    const total = found.reduce((n, h) => n + h.count, 0);
    const items = new Set(found.map((h) => h.item)).size;
    result.textContent = total ? `${total} träffar i ${items} punkter.` : `”${find.value}” finns inte i protokollet.`;
    for (const h of found) {
      const li = document.createElement("li");
      const where = FIELDS[h.field] || (h.field.startsWith("decision") ? "ett beslut" : "en punktlista");
      const link = document.createElement("a");
      link.href = `#punkt-${h.item}`;
      link.textContent = `Punkt ${h.item}, ${where} (${h.count})`;
      li.append(link, ": … " + h.excerpt + " …");
      hits.appendChild(li);
    }
  });

  document.getElementById("replace-button").addEventListener("click", async () => {
    // Edits still being saved go first; the replacement works on the saved, newest version.
    if (document.activeElement) document.activeElement.blur();
    for (let i = 0; i < 100 && document.body.dataset.pending !== "0"; i++) await new Promise((ok) => setTimeout(ok, 100));
    const current = await fetch(`${api}/protocol`);
    if (!current.ok) { result.textContent = "Kunde inte läsa protokollet: " + await detail(current); return; }
    const r = await fetch(`${api}/replace`, {method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": token},
      body: JSON.stringify({find: find.value, replace: replaceWith.value, version: (await current.json()).version,
                            add_to_glossary: document.getElementById("add-to-glossary").checked})});
    if (!r.ok) { result.textContent = "Inget ersattes: " + await detail(r); result.classList.add("error"); return; }
    const done = await r.json();
    sessionStorage.setItem("replace-result", `${done.count} ersättningar i ${done.fields} fält: ”${find.value}” → ”${replaceWith.value}”.`
      + (done.glossary_added ? ` ”${replaceWith.value}” finns nu i organisationens ordlista.` : ""));
    location.reload();
  });

  const previous = sessionStorage.getItem("replace-result");
  if (previous) { result.textContent = previous; sessionStorage.removeItem("replace-result"); }
  load();
})();
