// The live connection to a meeting: Socket.IO with the login session, joined to the
// meeting's rooms again after every reconnect. Server events arrive as DOM events
// `paperless:<name>` on window, so pages subscribe without knowing about sockets.
import { io } from "/static/vendor/socket.io/socket.io.esm.min.js";

let socket = null;
const joined = new Set();

export function connect() {
  if (socket) return socket;
  socket = io({ transports: ["websocket", "polling"], reconnectionDelayMax: 5000 });
  socket.on("connect", () => {
    for (const meetingId of joined) socket.emit("meeting:join", { meeting_id: meetingId });
    window.dispatchEvent(new CustomEvent("paperless:online"));
  });
  socket.on("disconnect", () => window.dispatchEvent(new CustomEvent("paperless:offline")));
  socket.on("event", (message) => {
    window.dispatchEvent(new CustomEvent(`paperless:${message.name}`, { detail: message.payload }));
  });
  return socket;
}

export function joinMeeting(meetingId) {
  joined.add(meetingId);
  const s = connect();
  return new Promise((resolve) => {
    if (s.connected) s.emit("meeting:join", { meeting_id: meetingId }, resolve);
    else s.once("connect", () => resolve({ ok: true }));
  });
}
