// Documents that change while they are open: the secretariat renames one, moves it to another
// agenda item, changes who reads it, or withdraws it. The bag, a document's page and the viewer
// hear `documents.changed` / `documents.withdrawn` and follow without a reload; a withdrawn
// document (or one this reader may no longer read) also leaves the tablet's offline copies.
import { t } from "./i18n.js";
import { joinMeeting } from "./live.js";

/** Ask the service worker to drop every stored copy (file, thumbnail, viewer page) of these. */
export async function forgetOffline(ids) {
  const wanted = [...new Set(ids.map(Number).filter((id) => id > 0))];
  if (!wanted.length || !navigator.serviceWorker) return;
  const registration = await navigator.serviceWorker.ready.catch(() => null);
  if (!registration?.active) return;
  await new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    registration.active.postMessage({ type: "forget-document", ids: wanted }, [channel.port2]);
    setTimeout(resolve, 3000); // an old worker that does not answer must not hang the page
  });
}

/** Call `onChange(kind, payload)` for this meeting's document events ("changed" | "withdrawn"). */
export function watchDocuments(meetingId, onChange) {
  if (!meetingId) return;
  joinMeeting(meetingId);
  for (const kind of ["changed", "withdrawn"]) {
    window.addEventListener(`paperless:documents.${kind}`, (event) => {
      if (event.detail?.meeting_id === meetingId) onChange(kind, event.detail);
    });
  }
}

/** The viewer: a withdrawn document closes with the reason; a renamed one shows its new title. */
function watchViewer(app) {
  const documentId = Number(app.dataset.documentId);
  const meetingId = Number(app.dataset.meetingId);
  const close = (message) => {
    if (app.querySelector("[data-gone]")) return;
    const notice = document.createElement("section");
    notice.className = "card warning document-gone";
    notice.dataset.gone = "";
    notice.setAttribute("role", "alert");
    const text = document.createElement("p");
    text.textContent = message;
    const back = document.createElement("a");
    back.className = "button primary";
    back.href = app.dataset.bagUrl;
    back.textContent = t("← Túi tài liệu");
    notice.append(text, back);
    // The pages leave the screen: nothing of a withdrawn paper stays readable here.
    app.querySelector(".viewer-body")?.remove();
    app.querySelector(".viewer-tools")?.remove();
    app.querySelector(".viewer-toolbar")?.remove();
    app.querySelector("[data-mode-hint]")?.remove();
    app.prepend(notice);
    forgetOffline([documentId]);
  };
  watchDocuments(meetingId, async (kind, payload) => {
    if (kind === "withdrawn" && payload.document_id === documentId) {
      close(payload.reason
        ? t("Tài liệu “{title}” đã được rút. Lý do: {reason}", payload)
        : t("Tài liệu “{title}” đã được rút.", payload));
      return;
    }
    if (kind !== "changed" || payload.document?.id !== documentId) return;
    // Ask the server whether this reader may still read it (its access may have changed).
    const response = await fetch(`/api/v1/documents/${documentId}`, { credentials: "same-origin" });
    if (response.ok) {
      const title = app.querySelector("[data-document-title]");
      if (title) title.textContent = payload.document.title;
      document.title = payload.document.title;
    } else if ([403, 404, 410].includes(response.status)) {
      close(t("Bạn không còn quyền đọc tài liệu “{title}”.", { title: payload.document.title }));
    }
  });
}

const viewerApp = document.getElementById("viewer-app");
if (viewerApp) watchViewer(viewerApp);
