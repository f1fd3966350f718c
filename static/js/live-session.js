// The state of one meeting's hall, kept in step with the server: a snapshot on every
// (re)join, then numbered changes. A change whose number is not the next one means we
// missed something (python-socketio has no connection-state recovery), so we ask for a
// fresh snapshot instead of guessing.
import { t } from "./i18n.js";
import { isOnline, joinMeeting, send } from "./live.js";

const SEQUENCED = ["live.phase", "live.item", "live.attendance", "live.queue", "live.cleared",
                   "vote.opened", "vote.closed", "vote.announced", "vote.cancelled",
                   "vote.manual_pending", "vote.manual_rejected", "questioning.group"];

export class LiveSession extends EventTarget {
  constructor(meetingId) {
    super();
    this.meetingId = meetingId;
    this.state = null;
    this.clockOffset = 0;
    // documents-live.js may have connected the socket before this object listens for
    // `paperless:online` (seen on a loaded tablet): start from the socket's real state.
    this.online = isOnline();
    this.resyncs = 0;
    window.addEventListener("paperless:joined", (e) => {
      if (e.detail.meetingId !== meetingId) return;
      if (e.detail.ok) this.reset(e.detail.snapshot);
      else this.dispatchEvent(new CustomEvent("error", { detail: e.detail.error }));
    });
    for (const name of SEQUENCED) {
      window.addEventListener(`paperless:${name}`, (e) => this.receive(name, e.detail));
    }
    window.addEventListener("paperless:live.notice", (e) => this.notice(e.detail));
    window.addEventListener("paperless:live.presence", (e) => this.presence(e.detail));
    window.addEventListener("paperless:live.roll", (e) => this.roll(e.detail));
    window.addEventListener("paperless:vote.progress", (e) => this.voteProgress(e.detail));
    window.addEventListener("paperless:questioning.groups", (e) => this.questionGroups(e.detail));
    window.addEventListener("paperless:attendance.reason", (e) => this.attendanceReason(e.detail));
    window.addEventListener("paperless:online", () => this.setOnline(true));
    window.addEventListener("paperless:offline", () => this.setOnline(false));
    joinMeeting(meetingId);
  }

  setOnline(value) {
    this.online = value;
    this.changed("connection");
  }

  reset(snapshot) {
    this.state = snapshot;
    this.clockOffset = Date.parse(snapshot.server_time) - Date.now();
    this.changed("snapshot");
  }

  async resync() {
    this.resyncs += 1;
    const ack = await send("live:snapshot", { meeting_id: this.meetingId });
    if (ack.ok) this.reset(ack.result);
  }

  receive(name, payload) {
    if (!this.state || payload.seq === undefined) return;
    if (payload.seq <= this.state.seq) return; // already applied (it came with our ack)
    if (payload.seq !== this.state.seq + 1) {
      this.resync();
      return;
    }
    this.apply(name, payload);
    this.state.seq = payload.seq;
    this.changed(name);
  }

  apply(name, p) {
    const s = this.state;
    if ("phase" in p) s.phase = p.phase;
    if ("paused_at" in p) s.paused_at = p.paused_at;
    if ("current_item" in p) s.current_item = p.current_item;
    if ("sitting" in p) s.sitting = p.sitting;
    if ("attendance" in p) s.attendance = p.attendance;
    if ("queue" in p) s.queue = p.queue;
    if ("speaker" in p) s.speaker = p.speaker;
    if (name.startsWith("vote.")) this.applyVote(name, p);
    // The chair moved on (next item, the floor given, questioning opened, cleared):
    // the finished vote leaves every screen.
    if (p.dismissed_vote_id && s.vote?.vote.id === p.dismissed_vote_id && s.vote.vote.status !== "open") {
      s.vote = null;
    }
    if (name === "live.cleared") s.notices = [];
    if (name === "questioning.group") {
      s.questioning = p.group;
      for (const g of s.question_groups || []) {
        if (p.group && g.id === p.group.id) g.status = "open";
        else if (g.status === "open") g.status = "done";
      }
    }
    if (name === "live.attendance") { // a new sitting: everyone checks in again
      if (s.me?.delegate_id) s.me.checked_in = false;
      for (const row of s.roster || []) row.status = null;
    }
  }

  /** The whole roll of the sitting (`live.roll`, not numbered: the latest wins). */
  roll(p) {
    const s = this.state;
    if (!s || s.sitting?.id !== p.sitting_id) return; // another sitting's roll
    // From several processes two rolls may cross: keep the one with the later marks.
    if (p.as_of && this.rollAsOf && p.as_of < this.rollAsOf) return;
    this.rollAsOf = p.as_of;
    const status = new Map();
    for (const [mark, ids] of Object.entries(p.marked)) for (const id of ids) status.set(id, mark);
    s.attendance = p.attendance;
    if (s.me?.delegate_id) this.setMine(status.get(s.me.delegate_id) ?? null);
    for (const row of s.roster || []) row.status = status.get(row.delegate_id) ?? null;
    this.changed("live.roll");
  }

  /** The answer to my own check-in or mark, drawn at once (the roll follows). */
  marked(result) {
    const s = this.state;
    if (!s || !result?.changed || s.sitting?.id !== result.sitting?.id) return;
    s.attendance = result.attendance;
    const { delegate_id: id, status } = result.changed;
    if (id === s.me?.delegate_id) this.setMine(status);
    const row = (s.roster || []).find((r) => r.delegate_id === id);
    if (row) row.status = status;
    this.changed("live.roll");
  }

  setMine(status) {
    const me = this.state.me;
    me.checked_in = status === "present";
    // The reason (staff only on the wire) is the delegate's own when they sent it.
    me.absence = status === null || status === "present" ? null
      : { status, reason: me.absence?.reason ?? "" };
  }

  applyVote(name, p) {
    const s = this.state;
    if (name.startsWith("vote.manual_")) { // a hand count waiting for the chair: console only
      const index = (s.votes || []).findIndex((v) => v.id === p.vote.id);
      if (index >= 0) s.votes[index] = p.vote;
      return;
    }
    const same = s.vote?.vote.id === p.vote.id;
    const mine = name === "vote.opened" ? { voted: false } : same ? s.vote.mine : null;
    s.vote = { vote: p.vote, progress: p.progress || (same ? s.vote.progress : null), mine };
    if (p.vote.result) s.vote.result = p.vote.result;
    if (s.votes) {
      const index = s.votes.findIndex((v) => v.id === p.vote.id);
      if (index >= 0) s.votes[index] = p.vote;
      else s.votes.push(p.vote);
    }
  }

  questionGroups(p) {
    if (!this.state || !this.state.question_groups) return;
    this.state.question_groups = p.groups;
    this.changed("questioning.groups");
  }

  /** The latest notice still on screen (each expires; the chair may clear them). */
  currentNotice() {
    const now = this.now();
    return (this.state?.notices || []).find((n) => !n.expires_at || Date.parse(n.expires_at) > now) || null;
  }

  voteProgress(p) {
    if (this.state?.vote?.vote.id !== p.vote_id) return;
    this.state.vote.progress = p;
    this.changed("vote.progress");
  }

  /** Record my own ballot's acknowledgement (this device knows what it sent). */
  voted(ack) {
    if (this.state?.vote?.vote.id !== ack.vote_id) return;
    this.state.vote.mine = { voted: true, choice: ack.choice ?? null };
    this.changed("vote.mine");
  }

  notice(payload) {
    if (!this.state) return;
    this.state.notices = [payload, ...(this.state.notices || [])].slice(0, 5);
    this.changed("live.notice");
  }

  presence(payload) {
    if (!this.state?.roster) return;
    const online = new Set(payload.online_delegate_ids);
    for (const row of this.state.roster) row.online = online.has(row.delegate_id);
    this.changed("live.presence");
  }

  changed(reason) {
    this.dispatchEvent(new CustomEvent("change", { detail: reason }));
  }

  /** Server time now, from the offset measured at the last snapshot. */
  now() {
    return Date.now() + this.clockOffset;
  }

  speakerRemaining() {
    const sp = this.state?.speaker;
    if (!sp) return null;
    // A question's clock stops when the official is invited to answer; the chair's pause
    // stops the clock that runs.
    const until = sp.answer ? Date.parse(sp.answer.started_at)
      : sp.paused_at ? Date.parse(sp.paused_at) : this.now();
    return sp.limit_seconds - (until - Date.parse(sp.started_at)) / 1000;
  }

  answerRemaining() {
    const sp = this.state?.speaker;
    const answer = sp?.answer;
    if (!answer) return null;
    const until = sp.paused_at ? Date.parse(sp.paused_at) : this.now();
    return answer.limit_seconds - (until - Date.parse(answer.started_at)) / 1000;
  }

  /** Seconds left of the open vote's countdown, or null for an untimed vote. */
  voteRemaining() {
    const vote = this.state?.vote?.vote;
    if (!vote || vote.status !== "open" || !vote.closes_at) return null;
    return Math.max(0, (Date.parse(vote.closes_at) - this.now()) / 1000);
  }

  /** Staff: the reason kept with a delegate's mark (attendance.reason, not sequenced). */
  attendanceReason(p) {
    const row = (this.state?.roster || []).find((r) => r.delegate_id === p.delegate_id);
    if (!row) return;
    row.status = p.status;
    row.reason = p.reason;
    this.changed("attendance.reason");
  }

  command(name, payload = {}) {
    return send(name, { meeting_id: this.meetingId, ...payload });
  }
}

export function formatSeconds(seconds) {
  const sign = seconds < 0 ? "-" : "";
  const s = Math.abs(Math.trunc(seconds));
  return `${sign}${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export const PHASES = { not_started: t("Chưa khai mạc"), running: t("Đang họp"),
                        paused: t("Tạm dừng", {}, "phase"), closed: t("Đã bế mạc") };
export const KINDS = { speech: t("Phát biểu"), debate: t("Tranh luận"), question: t("Chất vấn"),
                       follow_up: t("Chất vấn lại") };

/** Set the text of every [data-bind=name] element under root. */
export function bind(root, name, text) {
  for (const el of root.querySelectorAll(`[data-bind="${name}"]`)) el.textContent = text ?? "";
}

export function show(root, name, visible) {
  for (const el of root.querySelectorAll(`[data-show="${name}"]`)) el.hidden = !visible;
}
