// The hall screen as a projector (templates/live/_projection.html), one module for the three
// live pages, each hooking in through one [data-projection] element:
//   screen  — draws the shown page (or zoomed region, or opinion with its passage) over the
//             live state, and goes back to the live state when the showing ends;
//   tablet  — "Theo màn hình": while on, the tablet turns to the page the screen shows;
//             off, the delegate turns pages alone (and can come back with one tap);
//   console — the presenter picks a document and page, turns pages, ends the showing.
// The state arrives with every join's snapshot (`snapshot.projection`) and as
// `projection.changed` (the whole state, with a revision: older messages are ignored).
import { t } from "./i18n.js";
import { send } from "./live.js";

const box = document.querySelector("[data-projection]");
const mode = box?.dataset.projection;
const meetingId = Number(box?.dataset.meetingId);
let shown = { showing: false, revision: -1 };

// --- drawing a page with PDF.js ------------------------------------------------------------

let pdfjs = null;
const loaded = new Map(); // file url → PDFDocumentProxy promise

async function library() {
  if (!pdfjs) {
    pdfjs = await import(box.dataset.pdfjsSrc);
    pdfjs.GlobalWorkerOptions.workerSrc = box.dataset.workerSrc;
  }
  return pdfjs;
}

async function pdf(url) {
  if (!loaded.has(url)) {
    const lib = await library();
    const base = new URL(".", new URL(box.dataset.pdfjsSrc, location.href)).href;
    const task = lib.getDocument({ url, enableXfa: false, isEvalSupported: false,
                                   wasmUrl: `${base}wasm/`, standardFontDataUrl: `${base}standard_fonts/` });
    loaded.set(url, task.promise);
    task.promise.catch(() => loaded.delete(url));
  }
  return loaded.get(url);
}

let drawing = Promise.resolve();

/** Draw `page` of the PDF at `url` into `canvas`, fitted to `frame`; with `rect`
 * ([x0, y0, x1, y1] in PDF points, origin bottom left) only that region, zoomed. */
function drawPage(canvas, frame, url, page, rect) {
  drawing = drawing.then(async () => {
    const doc = await pdf(url);
    const p = await doc.getPage(page);
    const whole = p.getViewport({ scale: 1 });
    const [vx0, , , vy1] = p.view;
    const region = rect || [p.view[0], p.view[1], p.view[2], p.view[3]];
    const width = Math.max(1, region[2] - region[0]);
    const height = Math.max(1, region[3] - region[1]);
    const room = frame.getBoundingClientRect();
    const scale = Math.min((room.width || whole.width) / width, (room.height || whole.height) / height);
    const ratio = window.devicePixelRatio || 1;
    const viewport = p.getViewport({ scale: scale * ratio,
                                     offsetX: -(region[0] - vx0) * scale * ratio,
                                     offsetY: -(vy1 - region[3]) * scale * ratio });
    canvas.width = Math.round(width * scale * ratio);
    canvas.height = Math.round(height * scale * ratio);
    canvas.style.width = `${Math.round(width * scale)}px`;
    canvas.style.height = `${Math.round(height * scale)}px`;
    await p.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
    canvas.dataset.page = String(page);
    canvas.dataset.url = url;
    canvas.dataset.zoomed = rect ? "yes" : "no";
  }).catch((error) => {
    canvas.dataset.error = String(error?.message || error);
  });
  return drawing;
}

const $ = (selector) => box.querySelector(selector);
const text = (selector, value) => { const el = $(selector); if (el) el.textContent = value ?? ""; };

function caption(state, page = state.page) {
  return t("{title} — trang {page}/{count}", { title: state.title, page, count: state.page_count });
}

function drawOpinion(state) {
  const el = $("[data-projection-opinion]");
  if (!el) return;
  const o = state.showing ? state.opinion : null;
  el.hidden = !o;
  if (!o) return;
  text("[data-projection-opinion-authors]", `${o.authors.join(", ")}${o.article ? ` — ${o.article}` : ""}`);
  text("[data-projection-opinion-quote]", o.quote ? `“${o.quote}”` : "");
  text("[data-projection-opinion-text]", o.text);
  text("[data-projection-opinion-wording]", o.proposed_wording
    ? t("Đề xuất sửa: {text}", { text: o.proposed_wording }) : "");
}

// --- the three pages -------------------------------------------------------------------------

function drawScreen(state) {
  const live = document.getElementById("screen");
  live?.classList.toggle("projecting", state.showing);
  box.hidden = !state.showing;
  drawOpinion(state);
  if (!state.showing) return;
  text("[data-projection-caption]", caption(state));
  drawPage($("canvas"), $("[data-projection-frame]"), state.file_url, state.page, state.rect);
}

let follow = localStorage.getItem("paperless.follow-screen") !== "no";
let ownPage = null; // the page a delegate turned to while not following

function drawTablet(state) {
  box.hidden = !state.showing;
  const toggle = $("[data-action=follow-screen]");
  toggle.checked = follow;
  if (!state.showing) { ownPage = null; return; }
  if (!follow && ownPage === null) ownPage = state.page; // stays here until the delegate turns
  const page = follow ? state.page : ownPage;
  const behind = !follow && page !== state.page;
  $("[data-projection-behind]").hidden = !behind;
  text("[data-projection-caption]", caption(state, page));
  drawOpinion(follow || page === state.page ? state : { showing: false });
  drawPage($("canvas"), $("[data-projection-frame]"), state.file_url, page,
           page === state.page ? state.rect : null);
}

function setupTablet() {
  $("[data-action=follow-screen]").addEventListener("change", (e) => {
    follow = e.target.checked;
    localStorage.setItem("paperless.follow-screen", follow ? "yes" : "no");
    if (follow) ownPage = null;
    drawTablet(shown);
  });
  const turnOwn = (delta) => {
    if (!shown.showing) return;
    follow = false;
    localStorage.setItem("paperless.follow-screen", "no");
    ownPage = Math.min(Math.max(1, (ownPage ?? shown.page) + delta), shown.page_count);
    drawTablet(shown);
  };
  $("[data-action=own-prev]").addEventListener("click", () => turnOwn(-1));
  $("[data-action=own-next]").addEventListener("click", () => turnOwn(1));
  $("[data-action=back-to-screen]").addEventListener("click", () => {
    follow = true;
    localStorage.setItem("paperless.follow-screen", "yes");
    ownPage = null;
    drawTablet(shown);
  });
}

function report(ack) {
  text("[data-projection-error]", ack.ok ? "" : ack.error.message);
  if (ack.ok) receive(ack.result);
  return ack;
}

function drawConsole(state) {
  text("[data-projection-status]", state.showing
    ? t("Đang chiếu: {caption}", { caption: caption(state) }) : t("Màn hình đang hiện diễn biến phiên họp."));
  for (const el of box.querySelectorAll("[data-when-showing]")) el.hidden = !state.showing;
  drawOpinion(state);
  const frame = $("[data-projection-frame]");
  frame.hidden = !state.showing;
  if (state.showing) {
    $("[name=document_id]").value = String(state.document_id);
    $("[name=page]").value = String(state.page);
    drawPage($("canvas"), frame, state.file_url, state.page, state.rect);
  }
}

async function setupConsole() {
  const form = $("[data-form=projection]");
  const select = form.querySelector("[name=document_id]");
  const response = await fetch(`/api/v1/meetings/${meetingId}/projection/documents`,
                               { credentials: "same-origin" });
  const documents = response.ok ? (await response.json()).documents : [];
  select.replaceChildren(...documents.map((d) => {
    const option = document.createElement("option");
    option.value = String(d.id);
    option.textContent = `${d.title} ${t("({count} trang)", { count: d.page_count })}`;
    return option;
  }));
  $("[data-projection-none]").hidden = documents.length > 0;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    report(await send("projection:show", { meeting_id: meetingId, document_id: Number(select.value),
                                           page: Number(form.querySelector("[name=page]").value) || 1 }));
  });
  $("[data-action=projection-prev]").addEventListener("click", async () =>
    report(await send("projection:page", { meeting_id: meetingId, delta: -1 })));
  $("[data-action=projection-next]").addEventListener("click", async () =>
    report(await send("projection:page", { meeting_id: meetingId, delta: 1 })));
  $("[data-action=projection-stop]").addEventListener("click", async () =>
    report(await send("projection:stop", { meeting_id: meetingId })));
  drawConsole(shown.revision >= 0 ? shown : { showing: false });
}

const DRAW = { screen: drawScreen, tablet: drawTablet, console: drawConsole };

function receive(state) {
  if (!state || state.revision <= shown.revision) return; // already drawn, or an older message
  shown = state;
  box.dataset.revision = String(state.revision);
  box.dataset.showing = state.showing ? "yes" : "no";
  box.dataset.page = state.showing ? String(state.page) : "";
  DRAW[mode]?.(state);
}

if (box) {
  window.addEventListener("paperless:joined", (e) => {
    if (e.detail.meetingId === meetingId && e.detail.ok) receive(e.detail.snapshot.projection);
  });
  window.addEventListener("paperless:projection.changed", (e) => receive(e.detail));
  window.addEventListener("resize", () => { if (shown.showing) DRAW[mode]?.(shown); });
  if (mode === "tablet") setupTablet();
  if (mode === "console") setupConsole();
  window.__projection = () => shown; // for the browser tests
}
