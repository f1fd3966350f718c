// The viewer's live connection: while a delegate reads, a vote that opens shows over the
// document with its ballot buttons; once it is over the delegate closes it and reads on.
import { BallotCard } from "./ballot.js";
import { LiveSession, show } from "./live-session.js";

const root = document.getElementById("viewer-live");
const session = new LiveSession(Number(root.dataset.meetingId));
window.__live = session;
const ballot = new BallotCard(root, session, root.dataset.delegate === "yes");
let seenOpen = null; // the vote this page showed while it was open
let hidden = null; // the vote the delegate closed the card of

function draw() {
  const vote = session.state?.vote?.vote;
  if (vote?.status === "open") seenOpen = vote.id;
  ballot.draw();
  const visible = Boolean(vote) && hidden !== vote.id &&
    (vote.status === "open" || (seenOpen === vote.id && ["closed", "announced"].includes(vote.status)));
  show(root, "vote", visible);
  show(root, "vote-hideable", Boolean(vote) && vote.status !== "open");
}

session.addEventListener("change", draw);
setInterval(() => ballot.tick(), 250);
root.querySelector('[data-action="vote-hide"]').addEventListener("click", () => {
  hidden = session.state?.vote?.vote.id ?? null;
  draw();
});
