// The secretariat's document page: rename, move to another agenda item, change access and
// withdraw through the API (PATCH /api/v1/documents/<id>, POST …/withdraw), with the answer
// next to the button. Without scripts the same forms post to the page routes.
import { api } from "./app.js";
import { t } from "./i18n.js";

const manage = document.querySelector("[data-document-manage]");
const apiUrl = manage?.dataset.api;

function say(form, text, kind) {
  const status = form.querySelector("[data-form-status]");
  status.textContent = text;
  status.className = `form-status ${kind}`;
}

/** Textareas for titles grow with their text: a long title is never cut. */
export function autoGrow(area) {
  const fit = () => {
    area.style.height = "auto";
    area.style.height = `${area.scrollHeight + 2}px`;
  };
  area.addEventListener("input", fit);
  fit();
}

const editForm = document.querySelector("[data-document-edit]");
editForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(editForm);
  const agenda = String(data.get("agenda_item_id") || "");
  try {
    const saved = await api(apiUrl, { method: "PATCH", json: {
      title: String(data.get("title") || ""), access: String(data.get("access") || ""),
      agenda_item_id: agenda ? Number(agenda) : null } });
    editForm.elements.title.value = saved.title;
    for (const node of document.querySelectorAll("[data-document-title]")) node.textContent = saved.title;
    const access = document.querySelector("[data-document-access]");
    if (access) access.textContent = editForm.elements.access.selectedOptions[0]?.textContent || "";
    document.title = saved.title;
    say(editForm, t("✓ Đã lưu."), "ok");
  } catch (error) {
    say(editForm, error.message, "error");
  }
});

const withdrawForm = document.querySelector("[data-document-withdraw]");
withdrawForm?.addEventListener("submit", async (event) => {
  // app.js asked "Rút tài liệu …?" first (data-confirm); a "Cancel" stops here.
  if (event.defaultPrevented) return;
  event.preventDefault();
  const button = withdrawForm.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const withdrawn = await api(`${apiUrl}/withdraw`, { method: "POST", json: {
      reason: withdrawForm.elements.reason.value } });
    const notice = document.createElement("section");
    notice.className = "card warning";
    notice.dataset.testid = "withdrawn-notice";
    notice.setAttribute("role", "status");
    const heading = document.createElement("h2");
    heading.textContent = t("Tài liệu đã được rút");
    const line = document.createElement("p");
    line.textContent = t("Lý do: {reason}", { reason: withdrawn.withdrawn_reason });
    notice.append(heading, line);
    manage.replaceWith(notice);
    withdrawForm.closest("section")?.remove();
    notice.scrollIntoView({ block: "nearest" });
  } catch (error) {
    button.disabled = false;
    say(withdrawForm, error.message, "error");
  }
});

for (const area of document.querySelectorAll("textarea.auto-grow")) autoGrow(area);
