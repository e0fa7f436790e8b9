// Justering page: every action is one JSON API call with the CSRF token; on success the page is
// loaded again (the server decides what each user may do next). Text is only set as .textContent.
"use strict";
const data = JSON.parse(document.getElementById("justering-data").textContent);
const csrf = JSON.parse(document.getElementById("csrf").textContent);
const base = `/api/meetings/${data.id}`;
const state = document.getElementById("action-state");
const audio = document.getElementById("audio");

async function call(path, body) {
  state.textContent = "Sparar …";
  state.classList.remove("error");
  try {
    const r = await fetch(base + path, {method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
                                        body: JSON.stringify(body || {})});
    if (r.ok) { location.reload(); return; }
    let detail = r.statusText;
    try { const b = await r.json(); detail = typeof b.detail === "string" ? b.detail : JSON.stringify(b.detail); } catch (e) {}
    state.textContent = detail;
  } catch (e) {
    state.textContent = "Nätverksfel: " + e;
  }
  state.classList.add("error");
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  if (button.classList.contains("play")) {
    audio.currentTime = parseFloat(button.dataset.seek);
    audio.play();
  } else if (button.classList.contains("comment-on")) {
    const host = button.closest("li.clause") || button.closest("section.item");
    if (host.querySelector(".comment-form")) return;
    const form = document.getElementById("comment-form").content.firstElementChild.cloneNode(true);
    form.dataset.target = button.dataset.target !== undefined ? button.dataset.target : host.dataset.target;
    host.appendChild(form);
    form.querySelector("textarea").focus();
  } else if (button.classList.contains("send-comment")) {
    const form = button.closest(".comment-form");
    const item = parseInt(button.closest("section.item").dataset.number, 10);
    call("/comments", {item, target: form.dataset.target || "", text: form.querySelector("textarea").value});
  } else if (button.classList.contains("resolve")) {
    const li = button.closest("li.comment");
    call(`/comments/${li.dataset.id}/resolve`, {reply: li.querySelector(".reply").value});
  } else if (button.id === "withdraw") {
    call("/lifecycle/withdraw", {reason: "Återtaget av sekreteraren"});
  } else if (button.id === "sign") {
    call("/lifecycle/sign", {sha256: data.sha256});
  } else if (button.classList.contains("send-item")) {
    const form = new FormData(document.getElementById("send"));
    call(`/lifecycle/items/${button.dataset.item}/send`,
         {version: data.version, chair: form.get("chair"), justerare: form.getAll("justerare")});
  } else if (button.classList.contains("sign-item")) {
    call(`/lifecycle/items/${button.dataset.item}/sign`, {sha256: button.dataset.sha});
  } else if (button.id === "confirm-masks") {
    const masks = Array.from(document.querySelectorAll("input[name=mask]:checked"), (box) => box.value);
    call("/publication", {masks});
  }
});

const send = document.getElementById("send");
if (send) send.addEventListener("submit", (event) => {
  event.preventDefault();
  const form = new FormData(send);
  call("/lifecycle/send", {version: data.version, chair: form.get("chair"), justerare: form.getAll("justerare")});
});

const anslag = document.getElementById("anslag");
if (anslag) anslag.addEventListener("submit", (event) => {
  event.preventDefault();
  const form = new FormData(anslag);
  call("/lifecycle/anslag", {up: form.get("up") || null, place: form.get("place")});
});
