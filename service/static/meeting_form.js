// The new-meeting form: the organisation's member list as attendee checkboxes (editable, saved per
// organisation), and the form turned into a meeting card by the server (/api/meeting-card), which checks
// it by the same rules as an uploaded YAML card. upload.js calls meetingCard() before it uploads.
"use strict";
const mfCsrf = JSON.parse(document.getElementById("csrf").textContent);
const mfRows = document.querySelector("#mf-members tbody");
const mfState = document.getElementById("mf-members-state");

async function mfDetail(r) {
  try { const d = (await r.json()).detail; return typeof d === "string" ? d : JSON.stringify(d); }
  catch (e) { return r.statusText; }
}

function mfField(cls, value, label) {
  const input = document.createElement("input");
  input.className = cls;
  input.value = value || "";
  input.setAttribute("aria-label", label);
  input.addEventListener("input", mfPeople);
  return input;
}

function mfAddRow(member) {
  const tr = document.createElement("tr");
  const present = document.createElement("input");
  present.type = "checkbox";
  present.className = "present";
  present.checked = true;
  present.setAttribute("aria-label", "Närvarande");
  const remove = document.createElement("button");
  remove.type = "button";
  remove.textContent = "Ta bort";
  remove.addEventListener("click", () => { tr.remove(); mfPeople(); });
  const cells = [present, mfField("name", member.name, "Namn"), mfField("party", member.party, "Parti eller organisation"),
                 mfField("role", member.role, "Roll"), remove];
  for (const el of cells) { const td = document.createElement("td"); td.appendChild(el); tr.appendChild(td); }
  mfRows.appendChild(tr);
  return tr;
}

function mfMembers() {
  return [...mfRows.querySelectorAll("tr")].map((tr) => ({
    name: tr.querySelector(".name").value.trim(), party: tr.querySelector(".party").value.trim(),
    role: tr.querySelector(".role").value.trim(), present: tr.querySelector(".present").checked,
  })).filter((m) => m.name);
}

// The names offered for chair, justerare and secretary; the chair defaults to the list's ordförande.
function mfPeople() {
  const list = document.getElementById("mf-people");
  list.replaceChildren(...mfMembers().map((m) => { const o = document.createElement("option"); o.value = m.name; return o; }));
}

async function mfLoad() {
  const r = await fetch("/api/org/members");
  if (!r.ok) { mfState.textContent = "Kunde inte läsa medlemslistan: " + await mfDetail(r); return; }
  const members = (await r.json()).members;
  members.forEach(mfAddRow);
  const chair = members.find((m) => m.role.toLowerCase() === "ordförande");
  const chairInput = document.getElementById("mf-chair");
  if (chair && !chairInput.value) chairInput.value = chair.name;
  mfPeople();
}

document.getElementById("mf-add-member").addEventListener("click", () => mfAddRow({}).querySelector(".name").focus());
document.getElementById("mf-save-members").addEventListener("click", async () => {
  mfState.textContent = "Sparar …";
  const members = mfMembers().map(({name, party, role}) => ({name, party, role}));
  const r = await fetch("/api/org/members", {method: "PUT", body: JSON.stringify({members}),
                                             headers: {"Content-Type": "application/json", "X-CSRF-Token": mfCsrf}});
  mfState.textContent = r.ok ? `Medlemslistan sparad (${members.length} personer).` : "Inte sparad: " + await mfDetail(r);
  mfState.classList.toggle("error", !r.ok);
});

// The card to upload: null when a YAML file is chosen (it goes as it is); an Error with the server's
// Swedish explanation when a field is wrong.
async function meetingCard() {
  const yamlFile = document.querySelector("input[name=meeting]");
  if (yamlFile && yamlFile.files.length) return null;
  const value = (id) => document.getElementById(id).value;
  const form = {
    title: value("mf-title"), date: value("mf-date"), number: value("mf-number"), time: value("mf-time"),
    place: value("mf-place"), chair: value("mf-chair"), secretary: value("mf-secretary"),
    justerare: [...document.querySelectorAll(".mf-justerare")].map((el) => el.value),
    attendees: mfMembers(), agenda: value("mf-agenda"),
  };
  const r = await fetch("/api/meeting-card", {method: "POST", body: JSON.stringify(form),
                                              headers: {"Content-Type": "application/json", "X-CSRF-Token": mfCsrf}});
  if (!r.ok) throw new Error(await mfDetail(r));
  return (await r.json()).card;
}
window.meetingCard = meetingCard;
mfLoad();
