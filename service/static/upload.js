// Upload with a progress bar; the server streams the file to disk and checks it is audio.
"use strict";
const csrf = JSON.parse(document.getElementById("csrf").textContent);
const form = document.getElementById("upload");
const bar = document.getElementById("upload-progress");
const error = document.getElementById("upload-error");

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  error.hidden = true;
  const body = new FormData(form);
  try {  // the meeting form as a card (meeting_form.js), unless a YAML card was chosen
    const card = await window.meetingCard();
    if (card !== null) body.set("meeting", card);
  } catch (e) {
    error.textContent = "Mötet kunde inte skapas: " + e.message;
    error.hidden = false;
    return;
  }
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/meetings");
  xhr.setRequestHeader("X-CSRF-Token", csrf);
  xhr.upload.onprogress = (e) => { if (e.lengthComputable) { bar.hidden = false; bar.value = e.loaded / e.total; } };
  xhr.onload = () => {
    if (xhr.status === 201) { location.href = "/meetings/" + JSON.parse(xhr.responseText).id; return; }
    let detail = xhr.statusText;
    try { const d = JSON.parse(xhr.responseText).detail; detail = typeof d === "string" ? d : JSON.stringify(d); } catch (e) {}
    error.textContent = "Uppladdningen misslyckades: " + detail;
    error.hidden = false;
    bar.hidden = true;
  };
  xhr.onerror = () => { error.textContent = "Uppladdningen avbröts (för stor fil eller nätverksfel)."; error.hidden = false; };
  xhr.send(body);
});

// Keep the list's status fresh while jobs run (in place: a reload would clear a half-filled form).
const LABELS = {queued: "I kö", transcribing: "Transkriberar", segmenting: "Delar upp i punkter",
                drafting: "Skriver utkast", ready: "Klar för granskning", failed: "Misslyckades"};
async function refresh() {
  const rows = document.querySelectorAll("tr[data-status=queued], tr[data-status=transcribing], tr[data-status=segmenting], tr[data-status=drafting]");
  for (const row of rows) {
    const r = await fetch(`/api/meetings/${row.dataset.id}`);
    if (!r.ok) continue;
    const s = await r.json();
    row.dataset.status = s.status;
    const label = row.querySelector(".status");
    label.textContent = LABELS[s.status] || s.status;
    label.className = "status status-" + s.status;
    const bar = row.querySelector("progress");
    if (bar) { bar.value = s.progress; bar.hidden = s.status === "ready" || s.status === "failed"; }
  }
  if (rows.length) setTimeout(refresh, 3000);
}
refresh();
