// The agenda editor of a meeting's page: add, move, edit, nest and delete items through the
// API without reloading the page. The list is redrawn from the server's page (one place for
// numbering and markup), the row that was acted on stays where it was on the screen, and the
// answer shows next to it. Without scripts the same forms post to the page routes.
import { api } from "./app.js";
import { t } from "./i18n.js";

const section = document.querySelector("[data-agenda-editor]");
const meetingId = Number(section?.dataset.meetingId);

function autoGrow(area) {
  area.style.height = "auto";
  area.style.height = `${area.scrollHeight + 2}px`;
}

function prepare(root) {
  for (const area of root.querySelectorAll("textarea.auto-grow")) {
    autoGrow(area);
  }
}

const row = (id) => section.querySelector(`.agenda-row[data-item-id="${id}"]`);

/** Redraw the agenda from the page, keeping `anchorId`'s row at the same height on screen. */
async function redraw(anchorId, keepOpen = false) {
  const before = anchorId ? row(anchorId)?.getBoundingClientRect().top : null;
  const response = await fetch(location.pathname, { credentials: "same-origin" });
  if (!response.ok) throw new Error(t("Không tải lại được chương trình ({status}).", { status: response.status }));
  const html = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = html.querySelector("[data-agenda-editor]");
  if (!fresh) return;
  section.innerHTML = fresh.innerHTML;
  prepare(section);
  const target = anchorId ? row(anchorId) : null;
  if (target && keepOpen) target.querySelector("details.agenda-edit")?.setAttribute("open", "");
  if (target && before != null) window.scrollBy(0, target.getBoundingClientRect().top - before);
}

/** The answer, next to the row it is about (or next to the form when there is no row). */
function say(text, kind, { id = null, form = null } = {}) {
  for (const old of section.querySelectorAll(".agenda-status")) old.remove();
  const status = document.createElement("p");
  status.className = `agenda-status ${kind}`;
  status.setAttribute("role", kind === "error" ? "alert" : "status");
  status.textContent = text;
  const place = (id && row(id)?.querySelector(".agenda-line")) || form;
  if (place) place.after(status);
  else section.querySelector("h2")?.after(status);
  return status;
}

function payload(form) {
  const data = new FormData(form);
  const value = (name) => String(data.get(name) ?? "").trim();
  const number = (name) => (value(name) ? Number(value(name)) : null);
  return { value, number };
}

const ACTIONS = {
  async add(form) {
    const { value, number } = payload(form);
    const item = await api(`/api/v1/meetings/${meetingId}/agenda-items`, { method: "POST", json: {
      title: value("title"), kind: value("kind") || "other", presenter: value("presenter"),
      planned_minutes: number("planned_minutes"), parent_id: number("parent_id") } });
    const before = form.getBoundingClientRect().top;
    await redraw(null);
    const added = row(item.id);
    // The form stays where the finger is; the new row (before "Bế mạc") is marked.
    const addForm = section.querySelector("[data-agenda-action=add]");
    if (addForm) window.scrollBy(0, addForm.getBoundingClientRect().top - before);
    added?.classList.add("just-changed");
    say(t("Đã thêm mục “{title}”.", { title: item.title }), "ok", { form: addForm });
    addForm?.querySelector("[name=title]")?.focus();
  },
  async move(form, id) {
    const direction = payload(form).value("direction");
    await api(`/api/v1/agenda-items/${id}/move`, { method: "POST", json: { direction } });
    await redraw(id);
    row(id)?.classList.add("just-changed");
    say(direction === "up" ? t("Đã chuyển mục lên.") : t("Đã chuyển mục xuống."), "ok", { id });
    // Ready for the next tap on the same arrow.
    row(id)?.querySelectorAll(`[data-agenda-action=move] button`)[direction === "up" ? 0 : 1]?.focus();
  },
  async edit(form, id) {
    const { value, number } = payload(form);
    await api(`/api/v1/agenda-items/${id}`, { method: "PATCH", json: {
      title: value("title"), kind: value("kind") || "other", presenter: value("presenter"),
      planned_minutes: number("planned_minutes") } });
    await redraw(id);
    say(t("Đã lưu mục chương trình."), "ok", { id });
  },
  async nest(form, id) {
    await api(`/api/v1/agenda-items/${id}`, { method: "PATCH", json: {
      parent_id: payload(form).number("parent_id") } });
    await redraw(id);
    row(id)?.classList.add("just-changed");
    say(t("Đã chuyển mục."), "ok", { id });
  },
  async delete(form, id) {
    const next = row(id)?.nextElementSibling?.dataset.itemId
      || row(id)?.previousElementSibling?.dataset.itemId;
    await api(`/api/v1/agenda-items/${id}`, { method: "DELETE" });
    await redraw(next || null);
    say(t("Đã xóa mục chương trình."), "ok", next ? { id: next } : {});
  },
};

if (section && meetingId) {
  prepare(section);
  section.addEventListener("input", (event) => {
    if (event.target.matches("textarea.auto-grow")) autoGrow(event.target);
  });
  // A title is one line of text: Enter saves (Shift+Enter is not needed for a title).
  section.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("textarea.agenda-title-input")) {
      event.preventDefault();
      event.target.form?.requestSubmit();
    }
  });
  section.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-agenda-action]");
    if (!form) return;
    event.preventDefault();
    const action = form.dataset.agendaAction;
    const id = Number(form.dataset.itemId) || null;
    // Deleting asks once; nothing else does.
    if (form.dataset.agendaConfirm && !window.confirm(form.dataset.agendaConfirm)) return;
    const buttons = [...form.querySelectorAll("button")];
    for (const b of buttons) b.disabled = true;
    try {
      await ACTIONS[action](form, id);
    } catch (error) {
      for (const b of buttons) b.disabled = false;
      say(error.message, "error", { id, form });
    }
  });
}
