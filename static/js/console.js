// The chair's console: phases, agenda moves, the speakers' queue, attendance, notices.
import { t } from "./i18n.js";
import { bind, formatSeconds, KINDS, LiveSession, show } from "./live-session.js";
import { api } from "./app.js";
import { drawCommon, reportError, startCountdown } from "./live-view.js";
import { kindLabel, progressText, resultView, STATUS } from "./vote-view.js";

const root = document.getElementById("console");
const session = new LiveSession(Number(root.dataset.meetingId));
window.__live = session;
const ATTENDANCE = { present: t("Có mặt"), absent_excused: t("Vắng có lý do"), absent: t("Vắng") };

// Errors show next to the control that was used (and as a toast), not at the top of the page.
let lastControl = null;
root.addEventListener("click", (e) => { lastControl = e.target.closest("button, select") || lastControl; }, true);
root.addEventListener("change", (e) => { lastControl = e.target; }, true);
const act = async (name, payload) => reportError(root, await session.command(name, payload),
                                                 lastControl && root.contains(lastControl) ? lastControl : null);

function button(label, className, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

// Suggestions only: the reason is what the delegate said, typed in (kept with the mark).
const ABSENCE_SUGGESTIONS = ["Ốm", "Đi công tác", "Việc gia đình", "Họp cấp trên triệu tập"];

function suggestionList() {
  let list = document.getElementById("absence-reasons");
  if (!list) {
    list = document.createElement("datalist");
    list.id = "absence-reasons";
    list.append(...ABSENCE_SUGGESTIONS.map((x) => new Option(t(x), t(x))));
    root.append(list);
  }
  return list.id;
}

function drawAgenda(s) {
  const list = root.querySelector('[data-list="agenda"]');
  list.replaceChildren(...s.agenda.map((item) => {
    const li = document.createElement("li");
    li.className = `depth-${Math.min(item.depth, 3)}`;
    if (item.id === s.current_item?.id) li.classList.add("current");
    const pick = button(`${item.number}. ${item.title}`, "agenda-pick",
                        () => act("live:goto", { item_id: item.id }));
    pick.disabled = s.phase === "closed"; // after Bế mạc nothing moves (the server refuses too)
    li.append(pick);
    return li;
  }));
}

function drawQueue(s) {
  const list = root.querySelector('[data-list="queue"]');
  const ids = s.queue.map((r) => r.id);
  const move = (index, offset) => {
    const order = [...ids];
    const [id] = order.splice(index, 1);
    order.splice(Math.max(0, Math.min(order.length, index + offset)), 0, id);
    act("floor:reorder", { order });
  };
  list.replaceChildren(...s.queue.map((r, index) => {
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.className = "queue-label";
    label.textContent = `${r.name} — ${KINDS[r.kind]}${r.topic ? `: ${r.topic}` : ""}`;
    const tools = document.createElement("span");
    tools.className = "queue-tools";
    tools.append(
      button("▲", "icon", () => move(index, -1)),
      button("▼", "icon", () => move(index, 1)),
      button(t("Mời phát biểu"), "primary", () => act("floor:give", { request_id: r.id })),
      button(t("Hủy"), "small danger", () => {
        // Far from "Mời phát biểu" and asked once: a cancelled request cannot come back.
        if (window.confirm(t("Hủy lượt đăng ký của {name}?", { name: r.name }))) {
          act("floor:withdraw", { request_id: r.id });
        }
      }),
    );
    tools.lastChild.classList.add("queue-cancel");
    tools.children[0].setAttribute("aria-label", t("Lên: {name}", { name: r.name }));
    tools.children[1].setAttribute("aria-label", t("Xuống: {name}", { name: r.name }));
    li.append(label, tools);
    return li;
  }));
  root.querySelector('[data-bind="queue-count"]').textContent = String(s.queue.length);
}

// "Vắng có lý do" chosen, reason not yet typed: kept across redraws (other tablets checking in
// redraw the roster), as is the reason being typed.
const pendingExcused = new Set();

function drawRoster(s) {
  const body = root.querySelector('[data-list="roster"]');
  const rows = s.roster || [];
  const active = document.activeElement;
  const typing = active?.matches?.(".absence-reason") && body.contains(active)
    ? { id: active.dataset.delegateId, value: active.value } : null;
  body.replaceChildren(...rows.map((r) => {
    const tr = document.createElement("tr");
    const name = document.createElement("td");
    const dot = document.createElement("span");
    dot.className = `dot ${r.online ? "on" : "off"}`;
    dot.title = r.online ? t("Máy tính bảng đang kết nối") : t("Máy tính bảng không kết nối");
    name.append(dot, ` ${r.name}`);
    const cell = document.createElement("td");
    const select = document.createElement("select");
    select.setAttribute("aria-label", t("Điểm danh: {name}", { name: r.name }));
    select.append(new Option("—", ""), ...Object.entries(ATTENDANCE).map(([v, l]) => new Option(l, v)));
    if (r.status === "absent_excused") pendingExcused.delete(r.delegate_id);
    select.value = pendingExcused.has(r.delegate_id) ? "absent_excused" : r.status || "";
    select.disabled = !(s.phase === "running" || s.phase === "paused");
    // The reason the secretariat was told (ốm, đi công tác…), typed in and kept with the
    // mark, staff only. "Vắng có lý do" is sent once the reason is there.
    const reason = document.createElement("input");
    reason.className = "absence-reason";
    reason.dataset.delegateId = String(r.delegate_id);
    reason.setAttribute("list", suggestionList());
    reason.maxLength = 300;
    reason.placeholder = t("Lý do vắng (ốm, đi công tác…)");
    reason.setAttribute("aria-label", t("Lý do vắng: {name}", { name: r.name }));
    reason.value = r.status === "absent_excused" ? r.reason || "" : "";
    reason.hidden = select.value !== "absent_excused";
    reason.disabled = select.disabled;
    const mark = async () => {
      const ack = await act("attendance:mark", { delegate_id: r.delegate_id, status: select.value,
                                                 reason: select.value === "absent_excused" ? reason.value : "" });
      if (ack.ok) session.marked(ack.result); // the roll follows, coalesced
    };
    select.addEventListener("change", () => {
      if (!select.value) return;
      reason.hidden = select.value !== "absent_excused";
      if (select.value === "absent_excused" && !reason.value.trim()) {
        pendingExcused.add(r.delegate_id);
        reason.focus();
        return;
      }
      pendingExcused.delete(r.delegate_id);
      mark();
    });
    reason.addEventListener("change", () => { if (reason.value.trim()) mark(); });
    reason.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && reason.value.trim()) { event.preventDefault(); reason.blur(); }
    });
    cell.append(select, reason);
    tr.append(name, cell);
    return tr;
  }));
  if (typing) {
    const again = body.querySelector(`.absence-reason[data-delegate-id="${typing.id}"]`);
    if (again) { again.value = typing.value; again.hidden = false; again.focus(); }
  }
  const online = rows.filter((r) => r.online).length;
  root.querySelector('[data-bind="online-count"]').textContent =
    t("{online}/{total} máy tính bảng đang kết nối", { online, total: rows.length });
}

const closeResults = new Map(); // vote id → result from the close acknowledgement

async function voteAction(name, vote, extra = {}) {
  const ack = await act(name, { vote_id: vote.id, ...extra });
  if (ack.ok && ack.result?.result) {
    closeResults.set(vote.id, ack.result.result);
    session.changed("vote.result"); // the vote.closed event may have been drawn already
  }
  return ack;
}

// Kiểm thủ công: the secretariat enters what the hall counted (show of hands, paper
// ballots) for a vote that never ran on the tablets or was cancelled; it counts only once
// the chair confirms it. The server enforces who may do which and every bound.
const manualDrafts = new Map(); // vote id → what was typed, kept across redraws

function manualForm(vote) {
  const draft = manualDrafts.get(vote.id) || { open: false, values: {} };
  manualDrafts.set(vote.id, draft);
  const box = document.createElement("details");
  box.className = "manual-count-form";
  box.open = draft.open;
  box.addEventListener("toggle", () => { draft.open = box.open; });
  const summary = document.createElement("summary");
  summary.textContent = t("Nhập kết quả kiểm thủ công (thư ký)");
  const form = document.createElement("form");
  form.className = "stack";
  form.dataset.testid = `manual-form-${vote.id}`;
  const field = (label, name, type = "number") => {
    const wrap = document.createElement("label");
    wrap.textContent = label;
    const input = document.createElement("input");
    input.name = name;
    input.type = type;
    if (type === "number") { input.min = "0"; input.step = "1"; input.inputMode = "numeric"; }
    input.value = draft.values[name] ?? "";
    input.addEventListener("input", () => { draft.values[name] = input.value; });
    wrap.append(input);
    form.append(wrap);
    return input;
  };
  const inputs = vote.options.map(([code, label]) => [String(code), field(t(label), `count-${code}`)]);
  const issued = field(t("Số phiếu phát ra / số đại biểu tham gia"), "ballots_issued");
  const note = field(t("Cách kiểm (giơ tay, phiếu giấy…)"), "note", "text");
  note.required = true;
  const send = document.createElement("button");
  send.type = "submit";
  send.className = "primary";
  send.textContent = t("Gửi để chủ tọa xác nhận");
  form.append(send);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const counts = Object.fromEntries(inputs.map(([code, input]) => [code, Number(input.value || 0)]));
    const extra = { counts, note: note.value };
    if (issued.value !== "") extra.ballots_issued = Number(issued.value);
    const ack = await voteAction("vote:manual", vote, extra);
    if (ack.ok) {
      manualDrafts.delete(vote.id);
      session.resync();
    }
  });
  box.append(summary, form);
  return box;
}

function manualDecision(vote) {
  const pending = vote.manual_pending;
  const box = document.createElement("div");
  box.className = "manual-count-pending";
  box.dataset.testid = `manual-pending-${vote.id}`;
  const title = document.createElement("p");
  title.textContent = t("Kết quả kiểm thủ công chờ chủ tọa xác nhận ({note}):", { note: pending.note });
  const list = document.createElement("ul");
  for (const [code, label] of vote.options) {
    const li = document.createElement("li");
    li.textContent = `${t(label)}: ${pending.counts[String(code)] ?? 0}`;
    list.append(li);
  }
  const issued = document.createElement("li");
  issued.textContent = t("Số phiếu phát ra: {count}", { count: pending.ballots_issued });
  list.append(issued);
  const tools = document.createElement("div");
  tools.className = "actions";
  const decide = (confirm) => async () => {
    const ack = await voteAction("vote:manual_decision", vote, { confirm });
    if (ack.ok) session.resync();
  };
  tools.append(button(t("Xác nhận kết quả"), "primary", decide(true)),
               button(t("Từ chối"), "danger", decide(false)));
  box.append(title, list, tools);
  return box;
}

// Each vote's card is kept while what it shows is the same: a ballot arriving only updates
// the progress line, so a hand count or a cancel reason being typed is never redrawn away
// (a node taken out of the page loses the focus and what was being typed into it).
const voteCards = new Map(); // vote id → { key, card }

function voteCard(s, vote, current, result) {
  const card = document.createElement("div");
  card.className = `console-vote status-${vote.status}`;
  card.dataset.voteId = String(vote.id);
  const head = document.createElement("div");
  head.className = "console-vote-head";
  head.textContent = `${kindLabel(vote)}${vote.round > 1 ? ` ${t("(lần {round})", { round: vote.round })}` : ""}: ${vote.title} — ${STATUS[vote.status]}`;
  card.append(head);
  if (vote.status === "open" && current) {
    const p = document.createElement("p");
    p.className = "vote-progress";
    const countdown = document.createElement("strong");
    countdown.className = "vote-countdown";
    countdown.dataset.bind = "vote-countdown";
    card.append(p, countdown);
  }
  const tools = document.createElement("div");
  tools.className = "actions";
  if (vote.status === "draft") tools.append(button(t("Mở biểu quyết"), "primary", () => voteAction("vote:open", vote)));
  if (vote.status === "open") tools.append(button(t("Kết thúc biểu quyết"), "primary", () => voteAction("vote:close", vote)));
  if (vote.status === "closed") tools.append(button(t("Công bố kết quả"), "primary", () => voteAction("vote:announce", vote)));
  if (["closed", "announced", "cancelled"].includes(vote.status)) {
    tools.append(button(t("Biểu quyết lại"), "", async () => {
      try {
        await api(`/api/v1/votes/${vote.id}/revote`, { method: "POST" });
        session.resync();
      } catch (error) {
        reportError(root, { ok: false, error: { message: error.message } }, lastControl);
      }
    }));
  }
  if (vote.status === "draft" || vote.status === "open") {
    const reason = document.createElement("input");
    reason.placeholder = t("Lý do hủy");
    reason.name = "cancel-reason";
    reason.setAttribute("aria-label", t("Lý do hủy"));
    tools.append(reason, button(t("Hủy"), "small danger", () => {
      if (window.confirm(t("Hủy biểu quyết này?"))) voteAction("vote:cancel", vote, { reason: reason.value });
    }));
  }
  card.append(tools);
  if (["draft", "cancelled"].includes(vote.status) && !["confidence", "no_confidence"].includes(vote.kind)) {
    card.append(vote.manual_pending ? manualDecision(vote) : manualForm(vote));
  }
  if (result && (vote.status === "closed" || vote.status === "announced")) card.append(resultView(result));
  return card;
}

function drawVotes(s) {
  const box = root.querySelector('[data-list="votes"]');
  const itemId = s.current_item?.id;
  const votes = (s.votes || []).filter((v) => v.agenda_item_id === itemId || v.status === "open");
  const cards = votes.map((vote) => {
    const current = s.vote?.vote.id === vote.id ? s.vote : null;
    const result = vote.result || closeResults.get(vote.id) || (current?.result ?? null);
    const key = JSON.stringify([vote.status, vote.kind, vote.title, vote.round, vote.options,
                                vote.manual_pending ?? null, result, Boolean(current)]);
    let entry = voteCards.get(vote.id);
    if (!entry || entry.key !== key) {
      entry = { key, card: voteCard(s, vote, current, result) };
      voteCards.set(vote.id, entry);
    }
    const progress = entry.card.querySelector(":scope > .vote-progress");
    if (progress) progress.textContent = progressText(current?.progress);
    return entry.card;
  });
  cards.forEach((card, index) => {
    if (box.children[index] !== card) box.insertBefore(card, box.children[index] || null);
  });
  while (box.children.length > cards.length) box.lastElementChild.remove();
  for (const id of [...voteCards.keys()]) if (!votes.some((v) => v.id === id)) voteCards.delete(id);
}

root.querySelector('[data-form="vote"]').addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const itemId = Number(form.elements.agenda_item.value) || session.state?.current_item?.id;
  if (!itemId) return reportError(root, { ok: false, error: { message: t("Chưa có mục chương trình hiện tại.") } }, form);
  const labels = form.elements.labels.value.split("\n").map((x) => x.trim()).filter(Boolean);
  const kind = form.elements.kind.value;
  const body = { kind, title: form.elements.title.value, rule: form.elements.rule.value,
                 seats: Number(form.elements.seats.value) || 1 };
  if (form.elements.countdown.value) body.countdown_seconds = Number(form.elements.countdown.value);
  if (labels.length) body[kind === "election" ? "candidates" : ["confidence", "no_confidence"].includes(kind) ? "persons" : "choices"] = labels;
  try {
    await api(`/api/v1/agenda-items/${itemId}/votes`, { method: "POST", json: body });
    form.reset();
    form.elements.title.dataset.edited = "no";
    form.elements.agenda_item.dataset.chosen = "no";
    form.closest("details").open = false;
    session.resync();
    reportError(root, { ok: true }, form);
  } catch (error) {
    reportError(root, { ok: false, error: { message: error.message } }, form);
  }
});

function drawQuestioning(s) {
  const groups = root.querySelector('[data-list="question-groups"]');
  groups.replaceChildren(...(s.question_groups || []).map((g) => {
    const row = document.createElement("div");
    row.className = `question-group status-${g.status}`;
    const label = document.createElement("span");
    label.textContent = `${g.title} — ${{ planned: t("dự kiến"), open: t("đang chất vấn"), done: t("đã xong") }[g.status]}`;
    row.append(label);
    // A finished group needs no button: "Mở nhóm" stays only on groups still to come.
    if (g.status === "open") row.append(button(t("Kết thúc nhóm"), "small", () => act("questioning:close_group")));
    else if (g.status === "planned") row.append(button(t("Mở nhóm"), "small primary", () => act("questioning:open_group", { group_id: g.id })));
    return row;
  }));
  const officials = root.querySelector('[data-list="answer-officials"]');
  const asking = s.speaker && ["question", "follow_up"].includes(s.speaker.kind);
  officials.replaceChildren(...(asking ? s.officials : []).map((o) =>
    button(t("Mời {name} trả lời", { name: o.name }), "primary", () => act("questioning:invite_answer", { official_id: o.id }))));
}

function draw() {
  drawCommon(root, session);
  const s = session.state;
  if (!s) return;
  show(root, "can-open", s.phase === "not_started");
  show(root, "can-pause", s.phase === "running");
  show(root, "can-resume", s.phase === "paused");
  show(root, "can-close", s.phase === "running" || s.phase === "paused");
  root.querySelector('[data-bind="sitting"]').textContent = s.sitting ? t("Phiên {number}", { number: s.sitting.number }) : "";
  const closed = s.phase === "closed";
  for (const b of root.querySelectorAll('[data-action="prev"], [data-action="next"]')) b.disabled = closed;
  const paused = Boolean(s.speaker?.paused_at);
  const pause = root.querySelector('[data-action="clock-pause"]');
  pause.textContent = paused ? t("Chạy tiếp đồng hồ") : t("Tạm dừng đồng hồ");
  pause.dataset.paused = paused ? "yes" : "no";
  drawAgenda(s);
  drawQueue(s);
  drawRoster(s);
  drawVotes(s);
  drawQuestioning(s);
  // Votes are prepared for any item, in advance: the current one is the default.
  const items = root.querySelector('[data-list="vote-items"]');
  const chosen = items.dataset.chosen === "yes" ? items.value : String(s.current_item?.id ?? "");
  if (items.options.length !== s.agenda.length) { // rebuilding an open select would close it
    items.replaceChildren(...s.agenda.map((i) => new Option(`${i.number}. ${i.title}`, String(i.id))));
  }
  if (chosen) items.value = chosen;
  // The vote's wording starts as the chosen item's title until the chair edits it.
  const title = root.querySelector('[data-form="vote"] input[name=title]');
  const item = s.agenda.find((i) => String(i.id) === items.value) || s.current_item;
  if (title.dataset.edited !== "yes" && item) title.value = item.title;
}

root.querySelector('[data-list="vote-items"]').addEventListener("change", (e) => {
  e.target.dataset.chosen = "yes";
  draw();
});
root.querySelector('[data-form="vote"] input[name=title]').addEventListener("input", (e) => {
  e.target.dataset.edited = "yes";
});

session.addEventListener("change", draw);
startCountdown(root, session, () => {
  const left = session.voteRemaining();
  bind(root, "vote-countdown", left === null ? "" : t("còn {time}", { time: formatSeconds(Math.ceil(left)) }));
});

for (const action of ["open", "pause", "resume", "close"]) {
  root.querySelector(`[data-action="${action}"]`).addEventListener("click", () => {
    if (action === "close" && !window.confirm(t("Bế mạc kỳ họp?"))) return;
    act("live:phase", { action });
  });
}
root.querySelector('[data-action="extend"]').addEventListener("click", () => act("floor:extend", { seconds: 60 }));
root.querySelector('[data-action="clock-pause"]').addEventListener("click", (e) => {
  act("floor:pause", { paused: e.currentTarget.dataset.paused !== "yes" });
});
root.querySelector('[data-action="clear-screen"]').addEventListener("click", async () => {
  const ack = await act("live:clear");
  if (ack.ok) bind(root, "clear-done", t("Đã xóa màn hình."));
});
root.querySelector('[data-action="sitting"]').addEventListener("click", () => act("live:sitting"));
root.querySelector('[data-action="prev"]').addEventListener("click", () => act("live:goto", { offset: -1 }));
root.querySelector('[data-action="next"]').addEventListener("click", () => act("live:goto", { offset: 1 }));
root.querySelector('[data-action="stop"]').addEventListener("click", () => act("floor:stop"));
root.querySelector('[data-form="notice"]').addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const ack = await act("notice:send", { text: form.elements.text.value, audience: form.elements.audience.value,
                                         duration_seconds: Number(form.elements.duration.value) });
  if (ack.ok) form.reset();
});
