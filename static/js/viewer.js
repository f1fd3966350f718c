// The document viewer: PDF.js (pdf_viewer components) with page thumbnails, zoom, page jump
// and search. Personal notes live in notes.js. Everything is configured from the data-*
// attributes of #viewer-app (templates/documents/viewer.html).
import { setupNotes } from "./notes.js";
import { signedRanges } from "./range-links.js";
import { recordRead } from "./read-beacon.js";

const app = document.getElementById("viewer-app");
const $ = (selector) => app.querySelector(selector);
const statusLine = $("[data-viewer-status]");

let statusTimer = null;

/** One status line over the page; short confirmations ("ok") fade after a few seconds. */
function showStatus(text, kind = "") {
  clearTimeout(statusTimer);
  statusLine.textContent = text;
  statusLine.className = `viewer-status ${kind}`;
  statusLine.hidden = !text;
  if (text && kind !== "") statusTimer = setTimeout(() => { statusLine.hidden = true; }, 5000);
}

async function loadPdfjs() {
  const pdfjsLib = await import(app.dataset.pdfjsSrc);
  // pdf_viewer.mjs takes the core library from this global, so set it before importing.
  globalThis.pdfjsLib = pdfjsLib;
  const viewerLib = await import(app.dataset.viewerSrc);
  pdfjsLib.GlobalWorkerOptions.workerSrc = app.dataset.workerSrc;
  return { pdfjsLib, viewerLib };
}

async function openDocument(pdfjsLib) {
  const base = new URL(".", new URL(app.dataset.pdfjsSrc, location.href)).href;
  const options = {
    // Never run anything the PDF carries: no XFA, no eval (PDF.js 6 has dropped eval
    // entirely; the flag is kept for older builds), and no scripting manager below.
    enableXfa: false,
    isEvalSupported: false,
    // Decoders for scanned images and the 14 standard fonts: used only if the Makefile's
    // vendor step copies pdfjs-dist's wasm/ and standard_fonts/ next to pdf.min.mjs.
    wasmUrl: `${base}wasm/`,
    standardFontDataUrl: `${base}standard_fonts/`,
  };
  // Documents that are not confidential stream their ranges through a signed link (the
  // page has data-range-link-url only for those); offline, the tablet's copy is opened below.
  if (app.dataset.rangeLinkUrl) {
    const range = await signedRanges(pdfjsLib, app.dataset.rangeLinkUrl, (message) => {
      showStatus(`Không tải được tài liệu: ${message}`, "error");
    });
    if (range) return pdfjsLib.getDocument({ ...options, range });
  }
  // A confidential copy is watermarked per request, so its bytes differ each time:
  // ranges of two copies must never be stitched together. Other files are immutable
  // per ?version= and may stream in ranges.
  const wholeFile = app.dataset.watermarked === "yes";
  return pdfjsLib.getDocument({
    ...options,
    url: app.dataset.fileUrl,
    httpHeaders: { "X-Paperless-Read-Beacon": "1" }, // the read is reported below, once
    disableRange: wholeFile,
    disableStream: wholeFile,
  });
}

function setupToolbar(viewer, eventBus, pageCount) {
  const pageInput = $("[data-page-input]");
  const goTo = (n) => {
    const page = Math.min(Math.max(1, Math.round(Number(n)) || 1), pageCount);
    viewer.currentPageNumber = page;
    pageInput.value = page;
  };
  const actions = {
    prev: () => viewer.previousPage(),
    next: () => viewer.nextPage(),
    "zoom-in": () => viewer.increaseScale(),
    "zoom-out": () => viewer.decreaseScale(),
    "fit-width": () => { viewer.currentScaleValue = "page-width"; },
  };
  for (const [name, action] of Object.entries(actions)) {
    $(`[data-action="${name}"]`).addEventListener("click", action);
  }
  // An opinion on a passage: the opinions page opens with this page and the selected text.
  const opinionLink = $("[data-action=opinion]");
  opinionLink?.addEventListener("click", (event) => {
    event.preventDefault();
    const url = new URL(opinionLink.href, location.href);
    url.searchParams.set("page", viewer.currentPageNumber);
    const quote = String(window.getSelection() || "").trim().slice(0, 2000);
    if (quote) url.searchParams.set("quote", quote);
    location.assign(url);
  });
  pageInput.addEventListener("change", () => goTo(pageInput.value));
  pageInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") goTo(pageInput.value);
  });
  eventBus.on("pagechanging", ({ pageNumber }) => { pageInput.value = pageNumber; });

  const thumbsButton = $("[data-action=thumbs]");
  const thumbs = $("[data-thumbs]");
  // Narrow tablets in portrait start with the page list closed to leave room for the page.
  if (window.innerWidth < 900) thumbs.hidden = true;
  thumbsButton.setAttribute("aria-pressed", String(!thumbs.hidden));
  thumbsButton.addEventListener("click", () => {
    thumbs.hidden = !thumbs.hidden;
    thumbsButton.setAttribute("aria-pressed", String(!thumbs.hidden));
  });
  return goTo;
}

function setupFind(eventBus, FindState) {
  const form = $("[data-find-form]");
  const input = $("[data-find-input]");
  const state = $("[data-find-status]");
  const find = (type, findPrevious = false) => {
    eventBus.dispatch("find", {
      source: form, type, query: input.value.trim(), findPrevious,
      caseSensitive: false, entireWord: false, highlightAll: true,
      // "tai lieu" also finds "tài liệu": delegates often type without diacritics.
      matchDiacritics: false,
    });
  };
  input.addEventListener("input", () => find(""));
  form.addEventListener("submit", (event) => { event.preventDefault(); find("again"); });
  $("[data-action=find-prev]").addEventListener("click", () => find("again", true));
  const showCount = ({ matchesCount }) => {
    if (!input.value.trim()) state.textContent = "";
    else if (matchesCount?.total) state.textContent = `${matchesCount.current}/${matchesCount.total}`;
  };
  eventBus.on("updatefindmatchescount", showCount);
  eventBus.on("updatefindcontrolstate", ({ state: found, matchesCount }) => {
    if (found === FindState.NOT_FOUND && input.value.trim()) state.textContent = "Không thấy";
    else showCount({ matchesCount });
  });
}

// Thumbnails are small canvases rendered only when they scroll into the sidebar's view.
function setupThumbnails(pdf, eventBus, goTo) {
  const nav = $("[data-thumbs]");
  const buttons = [];
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      renderThumb(entry.target);
    }
  }, { root: nav, rootMargin: "200px 0px" });

  async function renderThumb(button) {
    const canvas = button.querySelector("canvas");
    const page = await pdf.getPage(Number(button.dataset.page));
    const unit = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (2 * 120) / unit.width }); // sharp at 2× DPR
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    await page.render({ canvas, viewport }).promise;
    button.classList.add("rendered");
  }

  pdf.getPage(1).then((first) => {
    const { width, height } = first.getViewport({ scale: 1 });
    for (let n = 1; n <= pdf.numPages; n += 1) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "thumb";
      button.dataset.page = n;
      button.setAttribute("aria-label", `Trang ${n}`);
      const canvas = document.createElement("canvas");
      // The first page's proportions hold the place until the real page is drawn.
      canvas.width = Math.round(width / 4);
      canvas.height = Math.round(height / 4);
      const label = document.createElement("span");
      label.textContent = n;
      button.append(canvas, label);
      button.addEventListener("click", () => goTo(n));
      nav.append(button);
      buttons.push(button);
      observer.observe(button);
    }
    markCurrent(app.dataset.startPage);
  });

  function markCurrent(pageNumber) {
    for (const button of buttons) {
      const current = Number(button.dataset.page) === Number(pageNumber);
      button.classList.toggle("current", current);
      if (current) button.setAttribute("aria-current", "page");
      else button.removeAttribute("aria-current");
      if (current && !nav.hidden) button.scrollIntoView({ block: "nearest" });
    }
  }
  eventBus.on("pagechanging", ({ pageNumber }) => markCurrent(pageNumber));
}

// "đ"/"Đ" are letters of their own, not "d" with a mark, so PDF.js's diacritic-insensitive
// search leaves them alone; the bag's search (pdf.fold_vietnamese) folds them to "d". Fold
// them here too, on both sides: one character for one, so match offsets stay right.
const foldD = (text) => text.replace(/[đĐ]/g, (c) => (c === "đ" ? "d" : "D"));

export function vietnameseFind(PDFFindController) {
  return class extends PDFFindController {
    match(query, pageContent, pageIndex) {
      const folded = typeof query === "string" ? foldD(query) : query.map(foldD);
      return super.match(folded, foldD(pageContent), pageIndex);
    }
  };
}

async function main() {
  const { pdfjsLib, viewerLib } = await loadPdfjs();
  const { EventBus, FindState, LinkTarget, PDFFindController, PDFLinkService, PDFViewer } = viewerLib;
  const eventBus = new EventBus();
  const linkService = new PDFLinkService({
    eventBus, externalLinkTarget: LinkTarget.BLANK, externalLinkRel: "noopener noreferrer nofollow",
  });
  const findController = new (vietnameseFind(PDFFindController))({ eventBus, linkService });
  const viewer = new PDFViewer({
    container: $("[data-viewer-container]"), eventBus, linkService, findController,
    // Links are shown, form widgets are not; without a scriptingManager no PDF script runs.
    annotationMode: pdfjsLib.AnnotationMode.ENABLE,
  });
  linkService.setViewer(viewer);

  let pdf;
  try {
    const task = await openDocument(pdfjsLib);
    task.onProgress = ({ loaded, total }) => {
      if (total) showStatus(`Đang tải tài liệu… ${Math.min(100, Math.round((100 * loaded) / total))}%`);
    };
    pdf = await task.promise;
  } catch (error) {
    showStatus(navigator.onLine
      ? `Không mở được tài liệu: ${error.message}`
      : "Tài liệu này chưa được lưu trên máy. Hãy kết nối mạng rồi mở lại.", "error");
    return;
  }
  recordRead(Number(app.dataset.documentId), Number(app.dataset.version));
  viewer.setDocument(pdf);
  linkService.setDocument(pdf, null);
  findController.setDocument(pdf);

  const goTo = setupToolbar(viewer, eventBus, pdf.numPages);
  eventBus.on("pagesinit", () => {
    viewer.currentScaleValue = "page-width";
    goTo(app.dataset.startPage);
    showStatus("");
    app.classList.add("ready");
  });
  // Opening the notes panel or the page list changes the room for the page: keep a
  // "fit width" page fitting instead of cutting its right edge off.
  new ResizeObserver(() => {
    if (["page-width", "page-fit", "auto"].includes(viewer.currentScaleValue)) {
      viewer.currentScaleValue = viewer.currentScaleValue;
    }
  }).observe(viewer.container);
  setupFind(eventBus, FindState);
  setupThumbnails(pdf, eventBus, goTo);
  setupNotes({ app, viewer, eventBus, goTo, say: showStatus });
}

main().catch((error) => {
  console.error(error);
  showStatus(`Không mở được trình xem: ${error.message}`, "error");
});
