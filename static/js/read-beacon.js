// Reads of documents opened in the viewer reach the server even when the file came from
// the tablet's offline copy (the service worker answers without asking the server): the
// viewer sends a read beacon, kept in localStorage while offline and sent when back.
import { api } from "./app.js";

const KEY = "paperless:pending-reads";

function pending() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "[]");
  } catch {
    return [];
  }
}

let flushing = null;

export function flushReads() {
  flushing ??= (async () => {
    try {
      for (const read of pending()) {
        try {
          await api(`/api/v1/documents/${read.documentId}/reads`, { method: "POST", json: { version: read.version } });
        } catch (error) {
          if (error instanceof TypeError || error.status >= 500) return; // offline: keep it for later
          // refused (the document withdrawn, no longer allowed): nothing to retry
        }
        localStorage.setItem(KEY, JSON.stringify(pending().filter((r) => r.id !== read.id)));
      }
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

export function recordRead(documentId, version) {
  const list = pending();
  list.push({ id: crypto.randomUUID(), documentId, version });
  localStorage.setItem(KEY, JSON.stringify(list.slice(-500)));
  return flushReads();
}

window.addEventListener("online", () => flushReads());
