// The live connection: Socket.IO with the login session. Joined meetings are joined again
// after every reconnect; each join's answer (with a full snapshot) arrives as the window
// event `paperless:joined`, and server events as `paperless:<name>`, so pages subscribe
// without knowing about sockets.
import { io } from "/static/vendor/socket.io/socket.io.esm.min.js";
import { t } from "./i18n.js";

let socket = null;
const joined = new Set();

function emitJoin(meetingId) {
  socket.emit("meeting:join", { meeting_id: meetingId }, (ack) => {
    if (ack && !ack.ok && ack.error && ack.error.code === "rate_limited") {
      // One account on many screens (guests, hall screens) reconnecting together after a
      // Wi-Fi blip: join again after the wait the server named, spread out by jitter.
      const wait = Number(ack.error.details?.retry_after) || 1;
      setTimeout(() => {
        if (joined.has(meetingId) && socket.connected) emitJoin(meetingId);
      }, wait * 1000 * (1 + Math.random()));
      return;
    }
    window.dispatchEvent(new CustomEvent("paperless:joined", { detail: { meetingId, ...ack } }));
  });
}

export function connect() {
  if (socket) return socket;
  socket = io({ transports: ["websocket", "polling"], reconnectionDelayMax: 3000 });
  socket.on("connect", () => {
    for (const meetingId of joined) emitJoin(meetingId);
    window.dispatchEvent(new CustomEvent("paperless:online"));
  });
  socket.on("disconnect", () => window.dispatchEvent(new CustomEvent("paperless:offline")));
  socket.on("event", (message) => {
    if (message.name === "session.revoked") {
      // logged out elsewhere, password changed or account disabled: stop reconnecting
      socket.io.reconnection(false);
      window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname));
      return;
    }
    window.dispatchEvent(new CustomEvent(`paperless:${message.name}`, { detail: message.payload }));
  });
  return socket;
}

/** Whether the socket is connected now: a page part created after the `paperless:online`
 *  event (another module connected first) starts from this, not from "offline". */
export function isOnline() {
  return Boolean(socket && socket.connected);
}

export function joinMeeting(meetingId) {
  joined.add(meetingId);
  const s = connect();
  if (s.connected) emitJoin(meetingId);
}

/** Send a command; resolves with the server's acknowledgement {ok, result | error}. */
export function send(name, payload) {
  const s = connect();
  return new Promise((resolve) => {
    s.timeout(10000).emit(name, payload, (err, ack) => {
      resolve(err ? { ok: false, error: { code: "timeout", message: t("Mất kết nối, vui lòng thử lại.") } } : ack);
    });
  });
}
