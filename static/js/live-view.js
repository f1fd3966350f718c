// Drawing what every live page shares: phase, connection, current item, attendance,
// quorum, the current speaker's countdown and the latest notice (until it expires).
import { t } from "./i18n.js";
import { bind, formatSeconds, KINDS, PHASES, show } from "./live-session.js";

export function percent(count, total) {
  if (!total) return "0,00%";
  const value = (Math.round((count * 10000) / total) / 100).toFixed(2);
  return `${document.documentElement.lang === "en" ? value : value.replace(".", ",")}%`;
}

function drawNotice(root, session) {
  const latest = session.currentNotice();
  show(root, "notice", Boolean(latest));
  bind(root, "notice", latest ? latest.text : "");
}

export function drawCommon(root, session) {
  const s = session.state;
  const conn = root.querySelector('[data-bind="connection"]');
  if (conn) {
    conn.dataset.conn = session.online ? "on" : "off";
    conn.textContent = session.online ? t("● Trực tuyến") : t("○ Mất kết nối — đang kết nối lại…");
  }
  if (!s) return;
  bind(root, "phase", PHASES[s.phase] || s.phase);
  for (const el of root.querySelectorAll(".phase")) el.dataset.phase = s.phase;
  show(root, "paused", s.phase === "paused");
  show(root, "closed", s.phase === "closed");
  bind(root, "current-title", s.current_item && s.phase !== "closed"
    ? `${s.current_item.number}. ${s.current_item.title}` : PHASES[s.phase]);
  bind(root, "current-presenter", s.phase !== "closed" ? s.current_item?.presenter || "" : "");
  const a = s.attendance;
  bind(root, "present", `${a.present}/${a.total}`);
  bind(root, "present-label", t("đại biểu có mặt"));
  bind(root, "present-line", t("Có mặt {present}/{total} đại biểu ({percent})",
                                { present: a.present, total: a.total, percent: percent(a.present, a.total) }));
  const quorumText = t(a.quorum_reached ? "Đủ số đại biểu để tiến hành (cần {required}/{total})"
                                        : "Chưa đủ số đại biểu (cần {required}/{total})",
                       { required: a.quorum_required, total: a.total });
  bind(root, "quorum", s.phase === "closed" ? "" : quorumText); // over with the session
  const banner = root.querySelector('[data-bind="quorum-banner"]');
  if (banner) {
    const known = s.phase === "running" || s.phase === "paused";
    banner.dataset.quorum = !known ? "unknown" : a.quorum_reached ? "ok" : "low";
    banner.textContent = !known ? PHASES[s.phase] : quorumText;
  }
  show(root, "speaker", Boolean(s.speaker));
  if (s.speaker) {
    const kind = s.speaker.kind === "debate" ? ` (${KINDS.debate.toLowerCase()})` : "";
    bind(root, "speaker-name", `${s.speaker.name}${kind}`);
  }
  show(root, "speaker-paused", Boolean(s.speaker?.paused_at));
  show(root, "questioning", Boolean(s.questioning));
  bind(root, "questioning-title", s.questioning?.title || "");
  const answer = s.speaker?.answer;
  show(root, "answer", Boolean(answer));
  if (answer) bind(root, "answer-name", `${answer.official}${answer.title ? ` — ${answer.title}` : ""}`);
  drawNotice(root, session);
}

/** Tick the speaker's countdown every quarter second from server timestamps; a notice
 * leaves the screen when it expires. */
export function startCountdown(root, session, extra = () => {}) {
  let noticeShown = null;
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
    const notice = session.state ? session.currentNotice() : null;
    if ((notice?.id ?? null) !== noticeShown) {
      noticeShown = notice?.id ?? null;
      drawNotice(root, session);
    }
    extra(left);
  };
  tick();
  return setInterval(tick, 250);
}

/** Show a command's error where the user is: next to `near` (the control that was used)
 * when given, else in the page's error line — and as a toast that stays in view. */
export function reportError(root, ack, near = null) {
  const message = ack.ok ? "" : ack.error?.message || t("Lỗi");
  const el = root.querySelector('[data-bind="error"]');
  if (el) el.textContent = message;
  if (near) {
    const box = near.closest("[data-error-near]") || near.parentElement;
    let line = box.querySelector(":scope > .near-error");
    if (!line && message) {
      line = document.createElement("p");
      line.className = "form-error near-error";
      line.setAttribute("role", "alert");
      box.append(line);
    }
    if (line) {
      line.textContent = message;
      // the control may sit at the bottom edge (a longer English line wraps lower): the
      // message appears below it, so bring it into view rather than leave it under the fold
      if (message) keepInView(line);
    }
  }
  toast(message);
  return ack;
}

/** Scroll `el` into view, and again whenever the page's layout changes during the next
 * moments: a live event (a vote's progress, the roll) may redraw what is around it. */
function keepInView(el, ms = 1500) {
  const show = () => el.isConnected && el.scrollIntoView({ block: "nearest", behavior: "instant" });
  show();
  const watch = new ResizeObserver(show);
  watch.observe(document.body);
  watch.observe(el.parentElement);
  const ticks = setInterval(show, 100); // a shift that keeps the page's size
  setTimeout(() => { watch.disconnect(); clearInterval(ticks); }, ms);
}

let toastTimer = null;
export function toast(message) {
  let box = document.getElementById("toast");
  if (!message) {
    if (box) box.hidden = true;
    return;
  }
  if (!box) {
    box = document.createElement("div");
    box.id = "toast";
    box.className = "toast";
    box.setAttribute("role", "alert");
    document.body.append(box);
  }
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, 6000);
}
