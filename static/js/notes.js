// Personal notes on a document version: highlights (drag a rectangle) and comments (tap a
// point, type, save). They are private to the delegate and stored on the server, so they
// follow them to their other devices; rects are PDF points [x0, y0, x1, y1] with the
// origin bottom-left, the form the "download with notes" export writes into the PDF.
import { api } from "./app.js";
import { t } from "./i18n.js";

const KIND_LABEL = { highlight: t("Tô sáng"), comment: t("Ghi chú") };
const HINT = {
  highlight: t("Kéo ngón tay trên trang để tô sáng. Bấm “Tô sáng” lần nữa để thôi."),
  comment: t("Chạm vào chỗ cần ghi trên trang. Bấm “Ghi chú” lần nữa để thôi."),
};
const COMMENT_SIZE = 20; // points: the icon square of a comment in the exported PDF

export function setupNotes({ app, viewer, eventBus, goTo, say }) {
  const $ = (selector) => app.querySelector(selector);
  const notesUrl = app.dataset.notesUrl;
  const version = Number(app.dataset.version);
  const panel = $("[data-notes-panel]");
  const panelButton = $("[data-action=notes]");
  const list = $("[data-notes-list]");
  const hint = $("[data-mode-hint]");
  let notes = [];
  let mode = null;

  // --- geometry ------------------------------------------------------------

  /** A pointer position inside a page layer, in the page's current viewport pixels. */
  function pointIn(layer, event, viewport) {
    const box = layer.getBoundingClientRect();
    return [(event.clientX - box.left) * (viewport.width / box.width),
            (event.clientY - box.top) * (viewport.height / box.height)];
  }

  function toPdfRect(viewport, a, b) {
    const [x0, y0] = viewport.convertToPdfPoint(...a);
    const [x1, y1] = viewport.convertToPdfPoint(...b);
    const round = (v) => Math.round(v * 100) / 100;
    return [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)].map(round);
  }

  /** Position an element over a PDF rect in percent of the page, so zooming never moves it. */
  function place(element, rect, viewport) {
    // (PDF.js 6 has no convertToViewportRectangle any more: map the two corners.)
    const [a, b] = viewport.convertToViewportPoint(rect[0], rect[1]);
    const [c, d] = viewport.convertToViewportPoint(rect[2], rect[3]);
    element.style.left = `${(100 * Math.min(a, c)) / viewport.width}%`;
    element.style.top = `${(100 * Math.min(b, d)) / viewport.height}%`;
    element.style.width = `${(100 * Math.abs(c - a)) / viewport.width}%`;
    element.style.height = `${(100 * Math.abs(d - b)) / viewport.height}%`;
  }

  // --- page layers -----------------------------------------------------------

  // PDF.js empties a page's div whenever it re-renders it (zoom), so the layer is
  // recreated on every "pagerendered".
  function layerFor(pageView) {
    let layer = pageView.div.querySelector(":scope > .notes-layer");
    if (!layer) {
      layer = document.createElement("div");
      layer.className = "notes-layer";
      layer.dataset.page = pageView.id;
      layer.addEventListener("pointerdown", (event) => startHighlight(event, layer, pageView));
      layer.addEventListener("click", (event) => startComment(event, layer, pageView));
      pageView.div.append(layer);
    }
    return layer;
  }

  function drawPage(pageNumber) {
    const pageView = viewer.getPageView(pageNumber - 1);
    if (!pageView?.pdfPage) return;
    const layer = layerFor(pageView);
    for (const old of layer.querySelectorAll(".note-mark")) old.remove();
    for (const note of notes.filter((n) => n.page === pageNumber)) {
      layer.append(markFor(note, pageView.viewport));
    }
  }

  function drawAll() {
    for (let i = 1; i <= viewer.pagesCount; i += 1) drawPage(i);
  }

  function markFor(note, viewport) {
    const mark = document.createElement(note.kind === "comment" ? "button" : "div");
    mark.className = `note-mark ${note.kind}`;
    mark.dataset.noteId = note.id;
    place(mark, note.rect, viewport);
    if (note.kind === "highlight") {
      mark.style.backgroundColor = note.colour;
      if (note.text) mark.title = note.text;
    } else {
      mark.type = "button";
      mark.textContent = "✎";
      mark.title = note.text;
      mark.setAttribute("aria-label", t("Ghi chú: {text}", { text: note.text }));
      mark.addEventListener("click", (event) => {
        event.stopPropagation();
        showNoteInPanel(note.id);
      });
    }
    return mark;
  }

  // --- making notes ------------------------------------------------------------

  function startHighlight(event, layer, pageView) {
    if (mode !== "highlight" || event.target.closest(".note-editor, .note-mark.comment")) return;
    event.preventDefault();
    const viewport = pageView.viewport;
    const start = pointIn(layer, event, viewport);
    const draft = document.createElement("div");
    draft.className = "note-draft";
    layer.append(draft);
    layer.setPointerCapture(event.pointerId);
    const move = (e) => place(draft, toPdfRect(viewport, start, pointIn(layer, e, viewport)), viewport);
    const end = async (e) => {
      layer.removeEventListener("pointermove", move);
      layer.removeEventListener("pointerup", end);
      layer.removeEventListener("pointercancel", end);
      draft.remove();
      const stop = pointIn(layer, e, viewport);
      // A tap or a tiny stroke is not a highlight (and pointercancel means the gesture was lost).
      if (e.type === "pointercancel" || Math.abs(stop[0] - start[0]) < 6 || Math.abs(stop[1] - start[1]) < 6) return;
      await create({ page: pageView.id, kind: "highlight", rect: toPdfRect(viewport, start, stop) });
    };
    layer.addEventListener("pointermove", move);
    layer.addEventListener("pointerup", end);
    layer.addEventListener("pointercancel", end);
  }

  // A click, not pointerdown: a finger scrolling the page must not open an editor.
  function startComment(event, layer, pageView) {
    if (mode !== "comment" || event.target.closest(".note-editor, .note-mark.comment")) return;
    const viewport = pageView.viewport;
    const [x, y] = pointIn(layer, event, viewport);
    const [px, py] = viewport.convertToPdfPoint(x, y);
    const rect = [px, py - COMMENT_SIZE, px + COMMENT_SIZE, py].map((v) => Math.round(v * 100) / 100);
    openEditor(layer, x / viewport.width, y / viewport.height,
      (text) => create({ page: pageView.id, kind: "comment", rect, text }));
  }

  function closeEditor() {
    for (const editor of app.querySelectorAll(".note-editor")) editor.remove();
  }

  /** The inline comment box at a point of the page (fractions of its width and height). */
  function openEditor(layer, fx, fy, onSave) {
    closeEditor();
    const form = document.createElement("form");
    form.className = "note-editor";
    form.classList.toggle("flip-x", fx > 0.6);
    form.classList.toggle("flip-y", fy > 0.7);
    form.style.left = `${100 * fx}%`;
    form.style.top = `${100 * fy}%`;
    const text = document.createElement("textarea");
    text.maxLength = 5000;
    text.required = true;
    text.rows = 3;
    text.placeholder = t("Nội dung ghi chú…");
    text.setAttribute("aria-label", t("Nội dung ghi chú"));
    const save = button(t("Lưu"), "primary");
    save.type = "submit";
    const cancel = button(t("Hủy"));
    cancel.addEventListener("click", closeEditor);
    const actions = document.createElement("div");
    actions.className = "note-editor-actions";
    actions.append(cancel, save);
    form.append(text, actions);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!text.value.trim()) return;
      save.disabled = true;
      if (await onSave(text.value.trim())) closeEditor();
      else save.disabled = false;
    });
    form.addEventListener("keydown", (event) => { if (event.key === "Escape") closeEditor(); });
    layer.append(form);
    text.focus();
  }

  async function create(fields) {
    try {
      const note = await api(notesUrl, { method: "POST", json: { version, ...fields } });
      notes.push(note);
      notes.sort((a, b) => a.page - b.page || a.id - b.id);
      drawPage(note.page);
      renderPanel();
      say(t("Đã lưu {kind} ở trang {page}.", { kind: KIND_LABEL[note.kind].toLowerCase(), page: note.page }), "ok");
      return true;
    } catch (error) {
      say(failure(error, t("Chưa lưu được ghi chú")), "error");
      return false;
    }
  }

  function failure(error, what) {
    return error.status ? `${what}: ${error.message}` : t("{what}: mất kết nối với máy chủ.", { what });
  }

  // --- modes -------------------------------------------------------------------

  function setMode(next) {
    mode = mode === next ? null : next;
    closeEditor();
    for (const b of app.querySelectorAll("[data-mode]")) {
      b.setAttribute("aria-pressed", String(b.dataset.mode === mode));
    }
    app.dataset.noteMode = mode || "";
    hint.textContent = mode ? HINT[mode] : "";
    hint.hidden = !mode;
  }
  for (const b of app.querySelectorAll("[data-mode]")) {
    b.addEventListener("click", () => setMode(b.dataset.mode));
  }

  // --- the panel ---------------------------------------------------------------

  function button(label, kind = "") {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    if (kind) b.className = kind;
    return b;
  }

  function togglePanel(open = panel.hidden) {
    panel.hidden = !open;
    panelButton.setAttribute("aria-pressed", String(open));
  }
  panelButton.addEventListener("click", () => togglePanel());

  function showNoteInPanel(id) {
    togglePanel(true);
    const item = list.querySelector(`[data-note-id="${id}"]`);
    item?.scrollIntoView({ block: "nearest" });
    item?.classList.add("flash");
    setTimeout(() => item?.classList.remove("flash"), 1500);
  }

  function renderPanel() {
    $("[data-notes-count]").textContent = notes.length;
    list.replaceChildren();
    if (!notes.length) {
      const empty = document.createElement("p");
      empty.className = "muted";
      empty.textContent = t("Chưa có ghi chú. Chọn “Tô sáng” hoặc “Ghi chú” rồi chạm vào trang.");
      list.append(empty);
      return;
    }
    const pages = [...new Set(notes.map((n) => n.page))];
    for (const page of pages) {
      const section = document.createElement("section");
      section.className = "notes-page";
      const heading = document.createElement("h3");
      heading.textContent = `Trang ${page}`;
      const items = document.createElement("ul");
      for (const note of notes.filter((n) => n.page === page)) items.append(noteItem(note));
      section.append(heading, items);
      list.append(section);
    }
  }

  function noteItem(note) {
    const item = document.createElement("li");
    item.className = `note-item ${note.kind}`;
    item.dataset.noteId = note.id;
    const head = document.createElement("div");
    head.className = "note-head";
    const swatch = document.createElement("span");
    swatch.className = "note-swatch";
    swatch.style.backgroundColor = note.colour;
    const label = document.createElement("strong");
    label.textContent = KIND_LABEL[note.kind] || note.kind;
    head.append(swatch, label);
    const text = document.createElement("p");
    text.className = "note-text";
    text.textContent = note.text;
    text.hidden = !note.text;

    const show = button("Xem");
    show.addEventListener("click", () => goTo(note.page));
    const edit = button(t("Sửa"));
    edit.addEventListener("click", () => editInPanel(item, note));
    // Two taps to delete, instead of a confirm() dialog.
    const remove = button(t("Xóa"), "danger");
    remove.setAttribute("aria-label", t("Xóa {kind} trang {page}", { kind: KIND_LABEL[note.kind].toLowerCase(), page: note.page }));
    let armed = null;
    remove.addEventListener("click", async () => {
      if (!armed) {
        remove.textContent = t("Xóa thật?");
        armed = setTimeout(() => { remove.textContent = t("Xóa"); armed = null; }, 3000);
        return;
      }
      clearTimeout(armed);
      try {
        await api(`/api/v1/notes/${note.id}`, { method: "DELETE" });
        notes = notes.filter((n) => n.id !== note.id);
        drawPage(note.page);
        renderPanel();
      } catch (error) {
        say(failure(error, t("Chưa xóa được ghi chú")), "error");
      }
    });
    const actions = document.createElement("div");
    actions.className = "note-actions";
    actions.append(show, edit, remove);
    item.append(head, text, actions);
    return item;
  }

  function editInPanel(item, note) {
    const form = document.createElement("form");
    form.className = "note-edit";
    const text = document.createElement("textarea");
    text.value = note.text;
    text.maxLength = 5000;
    text.rows = 3;
    text.setAttribute("aria-label", t("Nội dung ghi chú"));
    const save = button(t("Lưu"), "primary");
    save.type = "submit";
    const cancel = button(t("Hủy"));
    cancel.addEventListener("click", renderPanel);
    form.append(text, save, cancel);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const updated = await api(`/api/v1/notes/${note.id}`, { method: "PATCH", json: { text: text.value } });
        Object.assign(note, updated);
        drawPage(note.page);
        renderPanel();
      } catch (error) {
        say(failure(error, t("Chưa lưu được ghi chú")), "error");
      }
    });
    item.querySelector(".note-actions").replaceWith(form);
    text.focus();
  }

  // --- loading -----------------------------------------------------------------

  async function load() {
    try {
      notes = (await api(notesUrl)).notes;
    } catch (error) {
      say(failure(error, t("Chưa tải được ghi chú")), "error");
    }
    renderPanel();
    drawAll();
  }

  eventBus.on("pagerendered", ({ pageNumber }) => drawPage(pageNumber));
  // Notes made on another device show up whenever this one comes back online.
  window.addEventListener("online", load);
  load();
}
