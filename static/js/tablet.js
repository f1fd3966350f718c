// The delegate's tablet: follows the chair's agenda item unless the delegate browses
// elsewhere ("Theo chủ tọa" brings it back), checks in, asks for the floor.
import { BallotCard } from "./ballot.js";
import { t } from "./i18n.js";
import { bind, formatSeconds, KINDS, LiveSession, show } from "./live-session.js";
import { drawCommon, reportError, startCountdown } from "./live-view.js";

const root = document.getElementById("tablet");
const session = new LiveSession(Number(root.dataset.meetingId));
const isDelegate = root.dataset.delegate === "yes";
let browsing = null; // the item the delegate chose to look at, or null when following
window.__live = session; // for the browser tests
const ballot = new BallotCard(root, session, isDelegate);

function drawAgenda(s) {
  const list = root.querySelector('[data-list="agenda"]');
  const focus = browsing ?? s.current_item?.id;
  list.replaceChildren(...s.agenda.map((item) => {
    const li = document.createElement("li");
    li.className = `depth-${Math.min(item.depth, 3)}`;
    if (item.id === s.current_item?.id) li.classList.add("current");
    if (item.id === focus) li.classList.add("focus");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "agenda-pick";
    button.textContent = `${item.number}. ${item.title}`;
    button.addEventListener("click", () => {
      browsing = item.id === s.current_item?.id ? null : item.id;
      draw();
    });
    li.append(button);
    return li;
  }));
  const docs = root.querySelector('[data-bind-href="documents"]');
  if (docs) docs.href = `/meetings/${session.meetingId}/documents${focus ? `?item=${focus}#item-${focus}` : ""}`;
  show(root, "browsing", browsing !== null);
}

function drawQueue(s) {
  const mine = s.me?.delegate_id;
  const list = root.querySelector('[data-list="queue"]');
  list.replaceChildren(...s.queue.map((r) => {
    const li = document.createElement("li");
    li.textContent = `${r.name} — ${KINDS[r.kind]}${r.topic ? `: ${r.topic}` : ""}`;
    if (r.delegate_id === mine) li.classList.add("mine");
    return li;
  }));
  const my = root.querySelector('[data-list="my-requests"]');
  if (!my) return;
  my.replaceChildren(...s.queue.filter((r) => r.delegate_id === mine).map((r) => {
    const li = document.createElement("li");
    const position = s.queue.indexOf(r) + 1;
    li.textContent = t("{kind} — đang chờ (thứ {position}) ", { kind: KINDS[r.kind], position });
    const withdraw = document.createElement("button");
    withdraw.type = "button";
    withdraw.className = "small";
    withdraw.textContent = t("Rút đăng ký");
    withdraw.addEventListener("click", async () => {
      reportError(root, await session.command("floor:withdraw", { request_id: r.id }));
    });
    li.append(withdraw);
    return li;
  }));
}

function draw() {
  drawCommon(root, session);
  const s = session.state;
  if (!s) return;
  if (browsing !== null && !s.agenda.some((i) => i.id === browsing)) browsing = null;
  drawAgenda(s);
  drawQueue(s);
  const open = s.phase === "running" || s.phase === "paused";
  if (isDelegate) {
    show(root, "can-check-in", open && !s.me.checked_in);
    show(root, "checked-in", open && s.me.checked_in);
    const absence = s.me.absence?.status === "absent_excused" ? s.me.absence : null;
    show(root, "absent-reported", open && Boolean(absence));
    bind(root, "absence-reason", absence?.reason ? `: ${absence.reason}` : "");
    show(root, "can-report-absence", open && !s.me.checked_in && !absence);
    const form = root.querySelector('[data-form="request"]');
    if (form) for (const b of form.querySelectorAll("button")) b.disabled = !open || !s.me.checked_in;
  }
  show(root, "my-turn", Boolean(s.speaker && s.speaker.delegate_id === s.me?.delegate_id));
  ballot.draw();
}

// A floor message ("already registered", "check in first"…) is about the queue as it was:
// once the queue or the item changes (the delegate got the floor, spoke, moved on) it goes.
const STALE_AFTER = new Set(["live.queue", "live.item", "live.attendance", "live.roll", "snapshot"]);
session.addEventListener("change", (event) => {
  if (STALE_AFTER.has(event.detail)) bind(root, "error", "");
  draw();
});
startCountdown(root, session, (left) => {
  bind(root, "my-countdown", left === null ? "" : formatSeconds(left));
  ballot.tick();
});

root.querySelector('[data-action="follow"]')?.addEventListener("click", () => {
  browsing = null;
  draw();
});
root.querySelector('[data-action="check-in"]')?.addEventListener("click", async () => {
  const ack = reportError(root, await session.command("attendance:check_in"));
  if (ack.ok) session.marked(ack.result);
});
root.querySelector('[data-form="absence"]')?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const reason = form.elements.reason.value.trim();
  const ack = reportError(root, await session.command("attendance:report_absence", { reason }),
                          form.querySelector("button"));
  if (ack.ok) {
    form.reset();
    session.marked(ack.result);
    if (session.state?.me) session.state.me.absence = { status: "absent_excused", reason };
    draw();
  }
});
root.querySelector('[data-form="request"]')?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const kind = event.submitter?.value || "speech";
  const ack = reportError(root, await session.command("floor:request",
    { kind, topic: form.elements.topic.value }));
  if (ack.ok) form.reset();
});
