// The hall screen: read from the back of the hall; no controls. While a vote is open it
// shows how many ballots came in (never what they say); once announced, the result —
// until the chair moves on. The speaker, the question, the answering official and both
// timers are never hidden by a vote.
import { t } from "./i18n.js";
import { bind, formatSeconds, KINDS, LiveSession, show } from "./live-session.js";
import { drawCommon, startCountdown } from "./live-view.js";
import { kindLabel, progressText, resultView, STATUS } from "./vote-view.js";

const root = document.getElementById("screen");
const session = new LiveSession(Number(root.dataset.meetingId));
window.__live = session;

function drawVote() {
  const current = session.state?.vote;
  const visible = Boolean(current) && ["open", "closed", "announced"].includes(current.vote.status);
  show(root, "vote", visible);
  root.classList.toggle("voting", visible);
  root.classList.toggle("vote-result-shown", visible && current.vote.status === "announced");
  if (!visible) return;
  const { vote, progress } = current;
  bind(root, "vote-kind", `${kindLabel(vote)} — ${STATUS[vote.status]}`);
  bind(root, "vote-title", vote.title);
  let line = vote.status === "open" ? progressText(progress) : "";
  const left = session.voteRemaining();
  if (left !== null) line += ` · ${t("còn {time}", { time: formatSeconds(Math.ceil(left)) })}`;
  bind(root, "vote-progress", line);
  const box = root.querySelector('[data-list="vote-result"]');
  const shown = box.dataset.voteId === `${vote.id}:${vote.status}`;
  if (!shown) {
    box.dataset.voteId = `${vote.id}:${vote.status}`;
    box.replaceChildren(...(vote.status === "announced" && vote.result ? [resultView(vote.result)] : []));
  }
}

function drawQuestion() {
  // The question the speaker filed in the open group, else the topic they registered with.
  const s = session.state;
  const sp = s?.speaker;
  let text = "";
  if (sp && (sp.kind === "question" || sp.kind === "follow_up")) {
    const slip = s.questioning?.slips.find((q) => q.authors.includes(sp.name));
    text = slip ? t("“{text}” — hỏi {official}", { text: slip.text, official: slip.official.name }) : sp.topic;
  }
  bind(root, "question-text", text);
}

function drawNext() {
  // The next speakers, so the hall knows who follows.
  const queue = session.state?.queue || [];
  const list = root.querySelector('[data-list="next-speakers"]');
  list.replaceChildren(...queue.slice(0, 3).map((r) => {
    const li = document.createElement("li");
    li.textContent = `${r.name} — ${KINDS[r.kind]}`;
    return li;
  }));
  show(root, "next-speakers", queue.length > 0 && session.state.phase !== "closed");
}

session.addEventListener("change", () => {
  drawCommon(root, session);
  drawVote();
  drawQuestion();
  drawNext();
});
startCountdown(root, session, () => {
  if (session.state?.vote?.vote.closes_at) drawVote();
});
