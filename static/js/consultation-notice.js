// A written consultation sent while the tablet or phone follows the meeting: a banner with
// its deadline and a link to answer (the event `consultation.sent` goes to delegates only).
import { t } from "./i18n.js";

const banner = document.querySelector("[data-consultation-notice]");

window.addEventListener("paperless:consultation.sent", (e) => {
  const c = e.detail.consultation;
  if (!banner || !c) return;
  const link = document.createElement("a");
  link.href = c.url;
  link.className = "button primary";
  link.textContent = t("Trả lời phiếu lấy ý kiến");
  const strong = document.createElement("strong");
  strong.textContent = t("Lấy ý kiến bằng văn bản") + ": ";
  const line = document.createElement("span");
  line.textContent = t("{title} — hạn {deadline} ", { title: c.title, deadline: c.deadline_local });
  banner.replaceChildren(strong, line, link);
  banner.dataset.consultationId = String(c.id);
  banner.hidden = false;
});
