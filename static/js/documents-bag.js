// The document bag: uploads with progress (secretariat), live refresh when documents are
// published, and asking the service worker to keep published documents for offline use.
import { csrfToken } from "./app.js";
import { t } from "./i18n.js";
import { joinMeeting } from "./live.js";
import { forgetOffline, watchDocuments } from "./documents-live.js";

const bag = document.querySelector("[data-live-bag]");
const meetingId = Number(bag?.dataset.meetingId);

function offlineUrls(root) {
  return [...root.querySelectorAll(".doc[data-offline=yes]")].map((li) => li.dataset.fileUrl);
}

async function keepOffline() {
  // Ask the browser not to evict stored documents when the tablet runs low on space.
  navigator.storage?.persist?.().catch(() => {});
  const registration = await navigator.serviceWorker?.ready;
  if (!registration?.active || !bag) return;
  const urls = offlineUrls(bag);
  const channel = new MessageChannel();
  channel.port1.onmessage = (event) => showOfflineState(event.data);
  registration.active.postMessage({ type: "cache-documents", meetingId, urls,
                                    pages: [location.pathname] }, [channel.port2]);
}

function showOfflineState(state) {
  if (!state || !bag || state.error) return;
  const cached = new Set(state.cached || []);
  let count = 0;
  for (const li of bag.querySelectorAll(".doc:not(.withdrawn)")) {
    const mark = li.querySelector(".offline-state");
    if (cached.has(li.dataset.fileUrl)) {
      count += 1;
      if (mark) mark.textContent = t("✓ Đọc được khi mất mạng");
    } else if (mark && li.dataset.offline === "no") {
      mark.textContent = t("Chỉ đọc trực tuyến");
    }
  }
  const summary = bag.querySelector("[data-offline-summary]");
  if (summary) summary.textContent = t(" · {count} tài liệu đã lưu trên máy", { count });
}

async function refreshBag() {
  // Re-render the bag from the server's page so grouping and markers stay in one place.
  const response = await fetch(location.pathname + location.search, { credentials: "same-origin" });
  if (!response.ok) return;
  const html = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = html.querySelector("[data-live-bag]");
  if (fresh && bag) {
    bag.innerHTML = fresh.innerHTML;
    forgetWithdrawn();
    keepOffline();
  }
}

/** Copies of withdrawn documents leave the tablet, also those withdrawn while it was away. */
function forgetWithdrawn(extra = []) {
  const listed = bag?.querySelector("[data-withdrawn-ids]")?.dataset.withdrawnIds || "";
  const ids = [...listed.split(",").filter(Boolean), ...extra];
  if (ids.length) forgetOffline(ids);
}

function uploadOne(form, file, list) {
  const item = document.createElement("li");
  item.textContent = `${file.name}: 0%`;
  list.append(item);
  const data = new FormData();
  data.append("file", file);
  for (const name of ["agenda_item_id", "access"]) data.append(name, form.elements[name].value);
  // A title typed in names one file; several files each keep the title their file gives.
  if (form.elements.file.files.length === 1 && form.elements.title?.value.trim()) {
    data.append("title", form.elements.title.value);
  }
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.dataset.api);
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) item.textContent = `${file.name}: ${Math.round((100 * e.loaded) / e.total)}%`;
    };
    xhr.onload = () => {
      let message = "";
      try { message = JSON.parse(xhr.responseText)?.error?.message || ""; } catch { /* HTML */ }
      const ok = xhr.status === 201;
      // The server's refusal is the reason only; the file is named once, here.
      const reason = message;
      item.textContent = ok ? `${file.name}: đã tải lên, đã kiểm tra` : `${file.name}: ${reason || "lỗi " + xhr.status}`;
      item.className = ok ? "ok" : "error";
      resolve(ok);
    };
    xhr.onerror = () => { item.textContent = `${file.name}: mất kết nối`; item.className = "error"; resolve(false); };
    xhr.send(data);
  });
}

const uploadForm = document.querySelector("[data-upload-form]");
uploadForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const list = document.querySelector("[data-upload-progress]");
  list.replaceChildren();
  const files = [...uploadForm.elements.file.files];
  // One at a time: a hall's uplink is shared, and each file gets its own verdict.
  for (const file of files) await uploadOne(uploadForm, file, list);
  uploadForm.reset();
  refreshBag();
});

if (bag && meetingId) {
  joinMeeting(meetingId);
  window.addEventListener("paperless:documents.published", (event) => {
    if (event.detail?.meeting_id === meetingId) refreshBag();
  });
  window.addEventListener("paperless:online", () => refreshBag());
  // Renamed, moved, access changed or withdrawn: redraw from the server, which decides what
  // this reader still sees; a document that left the list leaves the offline store too.
  watchDocuments(meetingId, async (kind, payload) => {
    await refreshBag();
    const id = kind === "withdrawn" ? payload.document_id : payload.document?.id;
    if (id && !bag.querySelector(`.doc[data-document-id="${id}"]:not(.withdrawn)`)) forgetOffline([id]);
  });
  forgetWithdrawn();
  keepOffline();
}
