// The delegate's tablet: follows the chair's agenda item unless the delegate browses
// elsewhere ("Theo chủ tọa" brings it back), checks in, asks for the floor.
import { bind, formatSeconds, KINDS, LiveSession, show } from "./live-session.js";
import { drawCommon, reportError, startCountdown } from "./live-view.js";
import { progressText, resultView, STATUS } from "./vote-view.js";

const root = document.getElementById("tablet");
const session = new LiveSession(Number(root.dataset.meetingId));
const isDelegate = root.dataset.delegate === "yes";
let browsing = null; // the item the delegate chose to look at, or null when following
window.__live = session; // for the browser tests

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
    li.textContent = `${KINDS[r.kind]} — đang chờ (thứ ${position}) `;
    const withdraw = document.createElement("button");
    withdraw.type = "button";
    withdraw.className = "small";
    withdraw.textContent = "Rút đăng ký";
    withdraw.addEventListener("click", async () => {
      reportError(root, await session.command("floor:withdraw", { request_id: r.id }));
    });
    li.append(withdraw);
    return li;
  }));
}

// One idempotency key per ballot the delegate submits: a retry after a lost
// acknowledgement sends the same key, so the server counts it once.
let pending = null;

async function castBallot(ballot) {
  const vote = session.state.vote.vote;
  if (!pending || pending.voteId !== vote.id || JSON.stringify(pending.ballot) !== JSON.stringify(ballot)) {
    pending = { voteId: vote.id, ballot, key: crypto.randomUUID() };
  }
  bind(root, "vote-mine", "Đang gửi phiếu…");
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const ack = await session.command("vote:cast", { vote_id: vote.id, idempotency_key: pending.key, ...ballot });
    if (ack.ok) {
      pending = null;
      session.voted(ack.result);
      return;
    }
    if (ack.error.code !== "timeout") {
      reportError(root, ack);
      bind(root, "vote-mine", "");
      return;
    }
    await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
  }
  bind(root, "vote-mine", "Chưa gửi được phiếu — kiểm tra kết nối và bấm lại.");
}

function choiceButtons(vote, mine) {
  const wrap = document.createElement("div");
  wrap.className = "ballot-choices";
  for (const [code, label] of vote.options) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `huge choice choice-${code}${mine?.choice === code ? " chosen" : ""}`;
    b.textContent = label;
    b.disabled = Boolean(mine?.voted) && !vote.allow_change;
    b.addEventListener("click", () => castBallot({ choice: code }));
    wrap.append(b);
  }
  return wrap;
}

function selectionForm(vote, mine) {
  const form = document.createElement("form");
  form.className = "stack";
  const hint = document.createElement("p");
  hint.textContent = vote.exact ? `Chọn đúng ${vote.seats} người.` : `Chọn tối đa ${vote.seats} người.`;
  form.append(hint);
  for (const [id, name] of vote.options) {
    const label = document.createElement("label");
    label.className = "check big-check";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = id;
    label.append(box, ` ${name}`);
    form.append(label);
  }
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.className = "primary huge";
  submit.textContent = "Gửi phiếu bầu";
  submit.disabled = Boolean(mine?.voted);
  form.append(submit);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const selections = [...form.querySelectorAll("input:checked")].map((x) => Number(x.value));
    castBallot({ selections });
  });
  return form;
}

function ratingForm(vote, mine) {
  const form = document.createElement("form");
  form.className = "stack";
  for (const [id, name] of vote.options) {
    const fieldset = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = name;
    fieldset.append(legend);
    for (const [code, label] of vote.levels) {
      const option = document.createElement("label");
      option.className = "check big-check";
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = `p${id}`;
      radio.value = code;
      option.append(radio, ` ${label}`);
      fieldset.append(option);
    }
    form.append(fieldset);
  }
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.className = "primary huge";
  submit.textContent = "Gửi phiếu";
  submit.disabled = Boolean(mine?.voted);
  form.append(submit);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const ratings = {};
    for (const [id] of vote.options) {
      const picked = form.querySelector(`input[name=p${id}]:checked`);
      if (picked) ratings[id] = picked.value;
    }
    castBallot({ ratings });
  });
  return form;
}

function drawVote(s) {
  const current = s.vote;
  show(root, "vote", Boolean(current) && current.vote.status !== "cancelled");
  if (!current) return;
  const { vote, progress, mine } = current;
  bind(root, "vote-kind", vote.kind_label);
  bind(root, "vote-title", vote.title);
  bind(root, "vote-status", STATUS[vote.status]);
  bind(root, "vote-progress", vote.status === "open" ? progressText(progress) : "");
  const ballot = root.querySelector('[data-list="ballot"]');
  const canCast = isDelegate && vote.status === "open" && !(mine?.voted && !vote.allow_change);
  // Keep a half-filled election or rating form while counts tick in.
  if (ballot.dataset.voteId !== String(vote.id) || ballot.dataset.state !== `${canCast}:${mine?.choice}`) {
    ballot.dataset.voteId = String(vote.id);
    ballot.dataset.state = `${canCast}:${mine?.choice}`;
    ballot.replaceChildren();
    if (canCast || (isDelegate && vote.status === "open" && vote.kind === "open")) {
      if (vote.kind === "open" || vote.kind === "secret") ballot.append(choiceButtons(vote, mine));
      else if (vote.kind === "election") ballot.append(selectionForm(vote, mine));
      else ballot.append(ratingForm(vote, mine));
    }
  }
  let received = "";
  if (mine?.voted) {
    const label = vote.options.find(([code]) => code === mine.choice)?.[1];
    received = label ? `✓ Đã nhận phiếu: ${label}` : "✓ Đã nhận phiếu của bạn";
    if (vote.allow_change && vote.status === "open") received += " (có thể thay đổi khi còn mở)";
  }
  bind(root, "vote-mine", received);
  const resultBox = root.querySelector('[data-list="vote-result"]');
  const result = vote.status === "announced" ? vote.result : null;
  resultBox.replaceChildren(...(result ? [resultView(result)] : []));
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
    const form = root.querySelector('[data-form="request"]');
    if (form) for (const b of form.querySelectorAll("button")) b.disabled = !open || !s.me.checked_in;
  }
  show(root, "my-turn", Boolean(s.speaker && s.speaker.delegate_id === s.me?.delegate_id));
  drawVote(s);
}

session.addEventListener("change", draw);
startCountdown(root, session, (left) => {
  bind(root, "my-countdown", left === null ? "" : formatSeconds(left));
});

root.querySelector('[data-action="follow"]')?.addEventListener("click", () => {
  browsing = null;
  draw();
});
root.querySelector('[data-action="check-in"]')?.addEventListener("click", async () => {
  reportError(root, await session.command("attendance:check_in"));
});
root.querySelector('[data-form="request"]')?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const kind = event.submitter?.value || "speech";
  const ack = reportError(root, await session.command("floor:request",
    { kind, topic: form.elements.topic.value }));
  if (ack.ok) form.reset();
});
