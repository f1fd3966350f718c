// Drawing a vote: its progress while open (counts only, never content), and the result
// as bars of the total N plus the announcement lines in the legal wording.
import { percent } from "./live-view.js";

export const STATUS = { draft: "Chuẩn bị", open: "Đang biểu quyết", closed: "Đã kết thúc",
                        announced: "Đã công bố", cancelled: "Đã hủy" };

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
  return `Đã nhận ${progress.received} phiếu · có mặt ${progress.present} · tổng số ${progress.total} đại biểu`;
}

/** The result of a closed or announced vote as a chart and its statement lines. */
export function resultView(result) {
  const box = el("div", "vote-result");
  // A hand count (show of hands, paper ballots) is never mistaken for the tablets' count.
  if (result.manual) box.append(el("div", "badge manual-count", "KẾT QUẢ KIỂM THỦ CÔNG"));
  const total = result.total;
  const chart = el("div", "bar-chart");
  for (const c of result.choices || []) chart.append(bar(c.label, c.count, total, c.code === "yes"));
  for (const c of result.candidates || []) {
    chart.append(bar(`${c.name}${c.elected ? " ✓ trúng cử" : ""}`, c.count, total, c.elected));
  }
  for (const p of result.persons || []) {
    chart.append(el("div", "bar-person", p.name));
    for (const level of p.levels) chart.append(bar(level.label, level.count, total, false));
    chart.append(el("div", "bar-consequence", p.consequence_label));
  }
  box.append(chart);
  if (result.passed !== null && result.passed !== undefined && (result.choices || []).length) {
    box.append(el("div", `verdict ${result.passed ? "passed" : "failed"}`,
                  result.passed ? "ĐƯỢC THÔNG QUA" : "KHÔNG ĐƯỢC THÔNG QUA"));
  }
  const lines = el("ul", "statement");
  for (const line of result.statement || []) lines.append(el("li", "", line));
  box.append(lines);
  return box;
}
