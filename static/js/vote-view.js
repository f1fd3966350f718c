// Drawing a vote: its progress while open (counts only, never content), and the result
// as bars of the total N plus the announcement lines in the legal wording.
import { t } from "./i18n.js";
import { percent } from "./live-view.js";

export const STATUS = { draft: t("Chuẩn bị"), open: t("Đang biểu quyết"), closed: t("Đã kết thúc"),
                        announced: t("Đã công bố kết quả"), cancelled: t("Đã hủy") };
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
  if (result.manual) box.append(el("div", "badge manual-count", t("KẾT QUẢ KIỂM THỦ CÔNG")));
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
  for (const line of statementLines(result)) lines.append(el("li", "", line));
  box.append(lines);
  return box;
}

const RULE_LABELS = { majority: "quá một nửa tổng số đại biểu",
                      two_thirds: "ít nhất hai phần ba tổng số đại biểu" };

/** The announcement lines. In Vietnamese the server's legal wording as it is (the minutes
 * print the same); in another language the same lines rebuilt from the figures. */
export function statementLines(result) {
  const server = result.statement || [];
  if (document.documentElement.lang === "vi") return server;
  const n = result.total;
  const lines = [];
  if (result.manual) {
    const note = /\((.*)\)\.?$/.exec(server[0] || "")?.[1] ?? "";
    lines.push(t("Kết quả kiểm thủ công ({note}).", { note }));
  }
  lines.push(t("Có {voted}/{total} đại biểu tham gia biểu quyết (chiếm {percent} tổng số đại biểu)",
               { voted: result.voted, total: n, percent: percent(result.voted, n) }));
  for (const c of result.choices || []) {
    lines.push(t("{label}: {count}/{total} đại biểu, chiếm {percent} tổng số đại biểu",
                 { label: t(c.label), count: c.count, total: n, percent: percent(c.count, n) }));
  }
  for (const c of result.candidates || []) {
    lines.push(t("{name}: {count}/{total} phiếu bầu, chiếm {percent} tổng số đại biểu",
                 { name: c.name, count: c.count, total: n, percent: percent(c.count, n) })
               + (c.elected ? t(" — trúng cử") : ""));
  }
  for (const p of result.persons || []) {
    const levels = p.levels.map((lv) => `${t(lv.label).toLowerCase()} ${lv.count} (${percent(lv.count, n)})`);
    lines.push(`${p.name}: ${levels.join("; ")}. ${t(p.consequence_label)}`);
  }
  lines.push(t("Có mặt nhưng không biểu quyết: {not_voted}; vắng mặt: {absent}",
               { not_voted: result.not_voted, absent: result.absent }));
  if ((result.choices || []).length) {
    lines.push(t(result.passed ? "Kết quả: được thông qua ({rule}: cần {required}/{total})"
                               : "Kết quả: không được thông qua ({rule}: cần {required}/{total})",
                 { rule: t(RULE_LABELS[result.rule] || result.rule), required: result.required, total: n }));
  }
  if (result.kind === "election" && (result.tie_for_last_seat || []).length) {
    lines.push(t("Có ứng cử viên bằng phiếu ở vị trí cuối: cần bầu lại."));
  }
  return lines;
}
