// The chair's console: phases, agenda moves, the speakers' queue, attendance, notices.
import { KINDS, LiveSession, show } from "./live-session.js";
import { drawCommon, reportError, startCountdown } from "./live-view.js";

const root = document.getElementById("console");
const session = new LiveSession(Number(root.dataset.meetingId));
window.__live = session;
const ATTENDANCE = { present: "Có mặt", absent_excused: "Vắng có lý do", absent: "Vắng" };

const act = async (name, payload) => reportError(root, await session.command(name, payload));

function button(label, className, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

function drawAgenda(s) {
  const list = root.querySelector('[data-list="agenda"]');
  list.replaceChildren(...s.agenda.map((item) => {
    const li = document.createElement("li");
    li.className = `depth-${Math.min(item.depth, 3)}`;
    if (item.id === s.current_item?.id) li.classList.add("current");
    li.append(button(`${item.number}. ${item.title}`, "agenda-pick",
                     () => act("live:goto", { item_id: item.id })));
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
      button("Mời phát biểu", "primary", () => act("floor:give", { request_id: r.id })),
      button("Hủy", "small danger", () => act("floor:withdraw", { request_id: r.id })),
    );
    tools.children[0].setAttribute("aria-label", `Lên: ${r.name}`);
    tools.children[1].setAttribute("aria-label", `Xuống: ${r.name}`);
    li.append(label, tools);
    return li;
  }));
  root.querySelector('[data-bind="queue-count"]').textContent = String(s.queue.length);
}

function drawRoster(s) {
  const body = root.querySelector('[data-list="roster"]');
  const rows = s.roster || [];
  body.replaceChildren(...rows.map((r) => {
    const tr = document.createElement("tr");
    const name = document.createElement("td");
    const dot = document.createElement("span");
    dot.className = `dot ${r.online ? "on" : "off"}`;
    dot.title = r.online ? "Máy tính bảng đang kết nối" : "Máy tính bảng không kết nối";
    name.append(dot, ` ${r.name}`);
    const cell = document.createElement("td");
    const select = document.createElement("select");
    select.setAttribute("aria-label", `Điểm danh: ${r.name}`);
    select.append(new Option("—", ""), ...Object.entries(ATTENDANCE).map(([v, l]) => new Option(l, v)));
    select.value = r.status || "";
    select.disabled = !(s.phase === "running" || s.phase === "paused");
    select.addEventListener("change", () => {
      if (!select.value) return;
      const reason = select.value === "absent_excused" ? "Có lý do" : "";
      act("attendance:mark", { delegate_id: r.delegate_id, status: select.value, reason });
    });
    cell.append(select);
    tr.append(name, cell);
    return tr;
  }));
  const online = rows.filter((r) => r.online).length;
  root.querySelector('[data-bind="online-count"]').textContent =
    `${online}/${rows.length} máy tính bảng đang kết nối`;
}

function draw() {
  drawCommon(root, session);
  const s = session.state;
  if (!s) return;
  show(root, "can-open", s.phase === "not_started");
  show(root, "can-pause", s.phase === "running");
  show(root, "can-resume", s.phase === "paused");
  show(root, "can-close", s.phase === "running" || s.phase === "paused");
  root.querySelector('[data-bind="sitting"]').textContent = s.sitting ? `Phiên ${s.sitting.number}` : "";
  drawAgenda(s);
  drawQueue(s);
  drawRoster(s);
}

session.addEventListener("change", draw);
startCountdown(root, session);

for (const action of ["open", "pause", "resume", "close"]) {
  root.querySelector(`[data-action="${action}"]`).addEventListener("click", () => {
    if (action === "close" && !window.confirm("Bế mạc kỳ họp?")) return;
    act("live:phase", { action });
  });
}
root.querySelector('[data-action="sitting"]').addEventListener("click", () => act("live:sitting"));
root.querySelector('[data-action="prev"]').addEventListener("click", () => act("live:goto", { offset: -1 }));
root.querySelector('[data-action="next"]').addEventListener("click", () => act("live:goto", { offset: 1 }));
root.querySelector('[data-action="stop"]').addEventListener("click", () => act("floor:stop"));
root.querySelector('[data-form="notice"]').addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const ack = await act("notice:send", { text: form.elements.text.value, audience: form.elements.audience.value });
  if (ack.ok) form.reset();
});
