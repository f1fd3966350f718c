// Drawing what every live page shares: phase, connection, current item, attendance,
// quorum, the current speaker's countdown and the latest notice.
import { bind, formatSeconds, KINDS, PHASES, show } from "./live-session.js";

export function percent(count, total) {
  if (!total) return "0,00%";
  return `${(Math.round((count * 10000) / total) / 100).toFixed(2).replace(".", ",")}%`;
}

export function drawCommon(root, session) {
  const s = session.state;
  const conn = root.querySelector('[data-bind="connection"]');
  if (conn) {
    conn.dataset.conn = session.online ? "on" : "off";
    conn.textContent = session.online ? "● Trực tuyến" : "○ Mất kết nối — đang kết nối lại…";
  }
  if (!s) return;
  bind(root, "phase", PHASES[s.phase] || s.phase);
  for (const el of root.querySelectorAll(".phase")) el.dataset.phase = s.phase;
  bind(root, "current-title", s.current_item ? `${s.current_item.number}. ${s.current_item.title}`
                                             : PHASES[s.phase]);
  bind(root, "current-presenter", s.current_item?.presenter || "");
  const a = s.attendance;
  bind(root, "present", `${a.present}/${a.total}`);
  bind(root, "present-label", "đại biểu có mặt");
  bind(root, "present-line", `Có mặt ${a.present}/${a.total} đại biểu (${percent(a.present, a.total)})`);
  const quorumText = a.quorum_reached
    ? `Đủ số đại biểu để tiến hành (cần ${a.quorum_required}/${a.total})`
    : `Chưa đủ số đại biểu (cần ${a.quorum_required}/${a.total})`;
  bind(root, "quorum", quorumText);
  const banner = root.querySelector('[data-bind="quorum-banner"]');
  if (banner) {
    banner.dataset.quorum = s.phase === "not_started" ? "unknown" : a.quorum_reached ? "ok" : "low";
    banner.textContent = s.phase === "not_started" ? "Chưa khai mạc" : quorumText;
  }
  show(root, "speaker", Boolean(s.speaker));
  if (s.speaker) {
    const kind = s.speaker.kind === "debate" ? ` (${KINDS.debate.toLowerCase()})` : "";
    bind(root, "speaker-name", `${s.speaker.name}${kind}`);
  }
  show(root, "questioning", Boolean(s.questioning));
  bind(root, "questioning-title", s.questioning?.title || "");
  const answer = s.speaker?.answer;
  show(root, "answer", Boolean(answer));
  if (answer) bind(root, "answer-name", `${answer.official}${answer.title ? ` — ${answer.title}` : ""}`);
  const latest = s.notices?.[0];
  show(root, "notice", Boolean(latest));
  if (latest) bind(root, "notice", latest.text);
}

/** Tick the speaker's countdown every quarter second from server timestamps. */
export function startCountdown(root, session, extra = () => {}) {
  const tick = () => {
    const answerLeft = session.answerRemaining();
    for (const el of root.querySelectorAll('[data-bind="answer-countdown"]')) {
      el.textContent = answerLeft === null ? "" : formatSeconds(answerLeft);
      el.classList.toggle("overtime", answerLeft !== null && answerLeft < 0);
    }
    const left = session.speakerRemaining();
    for (const el of root.querySelectorAll('[data-bind="speaker-countdown"]')) {
      el.textContent = left === null ? "" : formatSeconds(left);
      el.classList.toggle("overtime", left !== null && left < 0);
      el.classList.toggle("warning", left !== null && left >= 0 && left < 30);
    }
    extra(left);
  };
  tick();
  return setInterval(tick, 250);
}

export function reportError(root, ack) {
  const el = root.querySelector('[data-bind="error"]');
  if (el) el.textContent = ack.ok ? "" : ack.error?.message || "Lỗi";
  return ack;
}
