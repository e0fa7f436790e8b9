// The export dialog: the server's export options (api/export.py) as a form. The file is fetched first, so
// a refusal (unreviewed decisions, no template) is shown in the dialog, not as a page of JSON.
"use strict";
(() => {
  const meetingId = JSON.parse(document.getElementById("review-data").textContent).id;
  const token = JSON.parse(document.getElementById("csrf").textContent);
  const dialog = document.getElementById("export-dialog");
  const form = document.getElementById("export-form");
  const error = document.getElementById("export-error");
  const templateBox = form.elements.template;
  const templateName = document.getElementById("export-template-name");

  async function detail(r) {
    try { const d = (await r.json()).detail; return typeof d === "string" ? d : JSON.stringify(d); }
    catch (e) { return r.statusText; }
  }
  function fail(text) { error.textContent = text; error.hidden = false; }

  async function showTemplate() {
    const r = await fetch("/api/org/template");
    const saved = r.ok ? await r.json() : null;
    templateBox.disabled = !saved;
    if (!saved) templateBox.checked = false;
    templateName.textContent = saved ? `(${saved.filename})` : "(ingen uppladdad)";
  }

  // Edits still being saved go first: the export is of the saved version.
  async function saved() {
    if (document.activeElement) document.activeElement.blur();
    for (let i = 0; i < 100 && document.body.dataset.pending !== "0"; i++) await new Promise((ok) => setTimeout(ok, 100));
  }

  document.getElementById("export-open").addEventListener("click", () => {
    error.hidden = true;
    showTemplate();
    dialog.showModal();
  });

  document.getElementById("export-download").addEventListener("click", async () => {
    error.hidden = true;
    await saved();
    const params = new URLSearchParams({mode: form.elements.mode.value});
    if (form.elements.item.value) params.set("item", form.elements.item.value);
    if (form.elements.comments.checked) params.set("comments", "true");
    if (templateBox.checked) params.set("template", "true");
    const r = await fetch(`/api/meetings/${meetingId}/export.docx?${params}`);
    if (!r.ok) { fail("Exporten gick inte: " + await detail(r)); return; }
    const name = (r.headers.get("content-disposition") || "").match(/filename="([^"]+)"/);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await r.blob());
    link.download = name ? name[1] : "protokoll.docx";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  });

  document.getElementById("export-template-upload").addEventListener("click", async () => {
    error.hidden = true;
    const file = document.getElementById("export-template-file").files[0];
    if (!file) { fail("Välj en Word-fil först."); return; }
    const r = await fetch(`/api/org/template?filename=${encodeURIComponent(file.name)}`, {
      method: "PUT", body: file, headers: {"Content-Type": "application/octet-stream", "X-CSRF-Token": token}});
    if (!r.ok) { fail("Mallen sparades inte: " + await detail(r)); return; }
    await showTemplate();
    templateBox.checked = true;
  });
})();
