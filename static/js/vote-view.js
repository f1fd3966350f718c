// Drawing a vote: its progress while open (counts only, never content), and the result
// as bars of the total N plus the announcement lines in the legal wording.
import { t } from "./i18n.js";
import { percent } from "./live-view.js";

export const STATUS = { draft: t("Chuẩn bị"), open: t("Đang biểu quyết"), closed: t("Đã kết thúc"),
                        announced: t("Đã công bố"), cancelled: t("Đã hủy") };
const KIND_LABELS = { open: "Biểu quyết công khai", secret: "Bỏ phiếu kín", election: "Bầu cử",
                      confidence: "Lấy phiếu tín nhiệm", no_confidence: "Bỏ phiếu tín nhiệm" };

/** The vote's kind in the page's language (the server sends the Vietnamese label). */
export function kindLabel(vote) {
  return KIND_LABELS[vote.kind] ? t(KIND_LABELS[vote.kind]) : vote.kind_label;
}

/** A choice's label in the page's language (labels the council set stay as typed). */
export function choiceLabel(label) {
  return t(label);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function bar(label, count, total, highlight) {
  const row = el("div", `bar-row${highlight ? " highlight" : ""}`);
  const track = el("div", "bar-track");
  const fill = el("div", "bar-fill");
  fill.style.width = `${total ? (100 * count) / total : 0}%`; // CSSOM: allowed by the CSP
  track.append(fill);
  row.append(el("span", "bar-label", label), track,
             el("span", "bar-value", `${count}/${total} (${percent(count, total)})`));
  return row;
}

export function progressText(progress) {
  if (!progress) return "";
  return t("Đã nhận {received} phiếu · có mặt {present} · tổng số {total} đại biểu",
           { received: progress.received, present: progress.present, total: progress.total });
}

/** The result of a closed or announced vote as a chart and its statement lines. */
export function resultView(result) {
  const box = el("div", "vote-result");
  // A hand count (show of hands, paper ballots) is never mistaken for the tablets' count.
  if (result.manual) box.append(el("div", "badge manual-count", "KẾT QUẢ KIỂM THỦ CÔNG"));
  const total = result.total;
  const chart = el("div", "bar-chart");
  for (const c of result.choices || []) chart.append(bar(t(c.label), c.count, total, c.code === "yes"));
  for (const c of result.candidates || []) {
    chart.append(bar(`${c.name}${c.elected ? t(" ✓ trúng cử") : ""}`, c.count, total, c.elected));
  }
  for (const p of result.persons || []) {
    chart.append(el("div", "bar-person", p.name));
    for (const level of p.levels) chart.append(bar(level.label, level.count, total, false));
    chart.append(el("div", "bar-consequence", p.consequence_label));
  }
  box.append(chart);
  if (result.passed !== null && result.passed !== undefined && (result.choices || []).length) {
    box.append(el("div", `verdict ${result.passed ? "passed" : "failed"}`,
                  result.passed ? t("ĐƯỢC THÔNG QUA") : t("KHÔNG ĐƯỢC THÔNG QUA")));
  }
  const lines = el("ul", "statement");
  for (const line of result.statement || []) lines.append(el("li", "", line));
  box.append(lines);
  return box;
}
