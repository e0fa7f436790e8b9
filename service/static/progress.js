// Poll the job status; open the review page when the draft is ready.
"use strict";
const job = document.getElementById("job");
const LABELS = {queued: "I kö", transcribing: "Transkriberar", segmenting: "Delar upp i punkter",
                drafting: "Skriver utkast", ready: "Klar för granskning", failed: "Misslyckades"};

async function poll() {
  const r = await fetch(`/api/meetings/${job.dataset.id}`);
  if (!r.ok) return setTimeout(poll, 3000);
  const s = await r.json();
  document.getElementById("job-status").textContent =
    (LABELS[s.status] || s.status) + (s.status === "ready" || s.status === "failed" ? "" : ` – ${Math.round(s.progress * 100)} % totalt`);
  document.getElementById("job-progress").value = s.progress;
  document.getElementById("job-eta").textContent =
    s.eta_seconds ? `Ungefär ${Math.max(1, Math.round(s.eta_seconds / 60))} min kvar av detta steg.` : "";
  const err = document.getElementById("job-error");
  err.hidden = !s.error;
  err.textContent = s.error || "";
  if (s.status === "ready") location.reload();
  else if (s.status !== "failed") setTimeout(poll, 2000);
}
poll();
