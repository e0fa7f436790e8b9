// A political body's records per § (templates/partials/political_panel.html): each record is saved, added,
// removed or accepted with its own button through /api/meetings/<id>/items/<n>/political/<kind>. The review page's
// other edits carry the protocol version too, so a change here waits for them, takes the newest version, and is
// refused when the § shown here was changed by someone else since the page was loaded; the page then reloads.
// Text goes into the page through the template's escaping only.
"use strict";
(() => {
  const meetingId = JSON.parse(document.getElementById("review-data").textContent).id;
  const token = JSON.parse(document.getElementById("csrf").textContent);
  const shown = JSON.parse(document.getElementById("political-data").textContent);
  const api = `/api/meetings/${meetingId}`;
  const player = document.getElementById("audio");
  const state = document.getElementById("pp-state");

  async function detail(r) {
    try { const d = (await r.json()).detail; return typeof d === "string" ? d : (d && d.message) || JSON.stringify(d); }
    catch (e) { return r.statusText; }
  }

  function fail(box, text) {
    state.textContent = text;
    state.classList.add("error");
    box.querySelectorAll("button").forEach((b) => { b.disabled = false; });
  }

  // What the secretary set in one record's box, as the API takes it.
  function fieldsOf(box) {
    const record = {};
    box.querySelectorAll("[data-field]").forEach((el) => {
      const key = el.dataset.field;
      if (el.type === "checkbox") record[key] = el.checked;
      else if ("lines" in el.dataset) record[key] = el.value.split("\n").map((s) => s.trim()).filter(Boolean);
      else if (key === "substitute") record[key] = el.value.trim() || null;
      else record[key] = el.value.trim();
    });
    if (box.dataset.kind === "ballots") {
      record.votes = [...box.querySelectorAll("select[data-vote]")].filter((s) => s.value)
        .map((s) => ({member: s.dataset.vote, choice: s.value}));
      if (!record.open) {  // secret: the figures only, no list
        record.votes = [];
        record.tally = {};
        box.querySelectorAll("[data-tally]").forEach((el) => { record.tally[el.dataset.tally] = parseInt(el.value || "0", 10); });
      }
    }
    return record;
  }

  // JSON with its keys sorted (the page's copy is written with sorted keys), so two records compare by content.
  const canonical = (v) => Array.isArray(v) ? `[${v.map(canonical).join(",")}]`
    : v && typeof v === "object" ? `{${Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + canonical(v[k])).join(",")}}`
    : JSON.stringify(v);

  // The newest version, if the § on the server is still the one on the page.
  async function currentVersion(number) {
    if (document.activeElement) document.activeElement.blur();  // the page's own autosave goes first
    for (let i = 0; i < 100 && document.body.dataset.pending !== "0"; i++) await new Promise((ok) => setTimeout(ok, 100));
    const r = await fetch(`${api}/political`);
    if (!r.ok) throw new Error(await detail(r));
    const now = await r.json();
    const paragraph = now.paragraphs.find((p) => p.number === number);
    if (canonical(paragraph ? paragraph.record : null) !== canonical(shown[String(number)])) {
      throw new Error("Någon annan har ändrat paragrafen sedan du öppnade sidan. Ladda om sidan – din ändring sparades inte.");
    }
    return now.version;
  }

  async function write(box, method, path, body) {
    const number = parseInt(box.closest(".pp-paragraph").dataset.number, 10);
    box.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    state.classList.remove("error");
    state.textContent = "Sparar …";
    let version;
    try { version = await currentVersion(number); } catch (e) { fail(box, e.message); return; }
    const url = `${api}/items/${number}/political/${path}` + (method === "DELETE" ? `?version=${version}` : "");
    const r = await fetch(url, {method, headers: {"Content-Type": "application/json", "X-CSRF-Token": token},
                                body: method === "DELETE" ? undefined : JSON.stringify(Object.assign(body, {version}))});
    if (!r.ok) { fail(box, "Inte sparat: " + await detail(r)); return; }
    sessionStorage.setItem("pp-state", "Sparat.");
    location.hash = `pp-${number}`;
    location.reload();
  }

  document.querySelectorAll(".pp-record").forEach((box) => {
    const kind = box.dataset.kind;
    const at = `${kind}/${box.dataset.index}`;
    const on = (cls, handler) => { const b = box.querySelector(cls); if (b) b.addEventListener("click", handler); };
    on(".pp-save", () => write(box, "PATCH", at, {record: fieldsOf(box)}));
    on(".pp-accept", () => write(box, "POST", `${at}/accept`, {}));
    on(".pp-remove", () => write(box, "DELETE", at, null));
    on(".pp-add", () => write(box, "POST", kind, {record: fieldsOf(box), at: player.currentTime || null}));
    const open = box.querySelector("[data-field=open]");
    if (open) {  // a sluten omröstning has figures only; an open one is counted from the list
      const tally = box.querySelector(".pp-tally");
      const sync = () => { tally.hidden = open.checked; };
      open.addEventListener("change", sync);
      sync();
    }
  });

  document.querySelectorAll("[data-pp-seek]").forEach((button) => {
    button.addEventListener("click", () => { player.currentTime = parseFloat(button.dataset.ppSeek); player.play().catch(() => {}); });
  });

  const previous = sessionStorage.getItem("pp-state");
  if (previous) { state.textContent = previous; sessionStorage.removeItem("pp-state"); }
})();
