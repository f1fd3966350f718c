// The hall screen: read from the back of the hall; no controls.
import { LiveSession } from "./live-session.js";
import { drawCommon, startCountdown } from "./live-view.js";

const root = document.getElementById("screen");
const session = new LiveSession(Number(root.dataset.meetingId));
window.__live = session;
session.addEventListener("change", () => drawCommon(root, session));
startCountdown(root, session);
