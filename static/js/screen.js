// The hall screen: read from the back of the hall; no controls. While a vote is open it
// shows how many ballots came in (never what they say); once announced, the result.
import { bind, formatSeconds, LiveSession, show } from "./live-session.js";
import { drawCommon, startCountdown } from "./live-view.js";
import { progressText, resultView, STATUS } from "./vote-view.js";

const root = document.getElementById("screen");
const session = new LiveSession(Number(root.dataset.meetingId));
window.__live = session;

function drawVote() {
  const current = session.state?.vote;
  const visible = Boolean(current) && ["open", "closed", "announced"].includes(current.vote.status);
  show(root, "vote", visible);
  root.classList.toggle("voting", visible);
  if (!visible) return;
  const { vote, progress } = current;
  bind(root, "vote-kind", `${vote.kind_label} — ${STATUS[vote.status]}`);
  bind(root, "vote-title", vote.title);
  let line = vote.status === "open" ? progressText(progress) : "";
  if (vote.status === "open" && vote.closes_at) {
    const left = (Date.parse(vote.closes_at) - session.now()) / 1000;
    line += ` · còn ${formatSeconds(Math.max(left, 0))}`;
  }
  bind(root, "vote-progress", line);
  const box = root.querySelector('[data-list="vote-result"]');
  box.replaceChildren(...(vote.status === "announced" && vote.result ? [resultView(vote.result)] : []));
}

function drawQuestion() {
  // The question the speaker filed in the open group, else the topic they registered with.
  const s = session.state;
  const sp = s?.speaker;
  let text = "";
  if (sp && (sp.kind === "question" || sp.kind === "follow_up")) {
    const slip = s.questioning?.slips.find((q) => q.authors.includes(sp.name));
    text = slip ? `“${slip.text}” — hỏi ${slip.official.name}` : sp.topic;
  }
  bind(root, "question-text", text);
}

session.addEventListener("change", () => {
  drawCommon(root, session);
  drawVote();
  drawQuestion();
});
startCountdown(root, session, () => {
  if (session.state?.vote?.vote.closes_at) drawVote();
});
