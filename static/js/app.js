// Shared helpers for every page: CSRF-aware fetch, and selects that submit on change.
import { t } from "./i18n.js";

export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content ?? "";
}

/** fetch() for the JSON API with the login session: adds the CSRF header on writes. */
export async function api(url, options = {}) {
  const headers = new Headers(options.headers || {});
  if (options.method && options.method !== "GET") headers.set("X-CSRFToken", csrfToken());
  if (options.json !== undefined) {
    headers.set("Content-Type", "application/json");
    options = { ...options, body: JSON.stringify(options.json) };
  }
  const response = await fetch(url, { credentials: "same-origin", ...options, headers });
  if (!response.ok) {
    let message = t("Lỗi {status}", { status: response.status });
    try {
      const body = await response.json();
      message = body?.error?.message || message;
    } catch { /* not JSON */ }
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return response.status === 204 ? null : response.json();
}

for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.requestSubmit());
  select.form.querySelector("button[type=submit]")?.classList.add("js-hidden");
}

// Destructive forms ask once: <form data-confirm="…">. Without scripts the page has no
// confirmation, so each such form also sits apart from the navigation buttons.
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
