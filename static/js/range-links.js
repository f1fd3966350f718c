// PDF.js byte ranges through a signed short-lived link (/ranges/…, paperless/range_links.py):
// checked by the server without a database query, or by nginx (secure_link), so reading a
// document in a full hall costs almost nothing. The link lives 60 s: when a range is refused
// (expired, or revoked by a change), a new link is asked from the API, which applies every
// rule again — a reader who lost the right gets no new link and the viewer says why.
// Never used for confidential documents (each of their copies is made for one reader).

/** {url, expires, size}, or {error: {code, message}} when refused, or null when offline. */
async function askLink(linkUrl) {
  let response;
  try {
    response = await fetch(linkUrl, { credentials: "same-origin", cache: "no-store" });
  } catch {
    return null; // offline: the caller falls back to the file URL (the tablet's copy)
  }
  const body = await response.json().catch(() => ({}));
  if (response.ok && typeof body.url === "string") return body;
  return { error: body.error || { code: "unavailable", message: `HTTP ${response.status}` } };
}

/**
 * A PDFDataRangeTransport reading through the signed link, or null when no link could be had
 * while offline (the caller then opens the ordinary file URL). `onRefused(message)` is told
 * when a range is refused for good (the document withdrawn, the session ended…).
 */
export async function signedRanges(pdfjsLib, linkUrl, onRefused) {
  let link = await askLink(linkUrl);
  if (link === null) return null;
  if (link.error) throw new Error(link.error.message);

  let renewal = null; // one renewal at a time, shared by the ranges waiting for it
  const renew = () => {
    renewal ||= askLink(linkUrl).finally(() => { renewal = null; });
    return renewal;
  };

  async function fetchRange(begin, end, mayRenew = true) {
    const current = link;
    const response = await fetch(current.url, { headers: { Range: `bytes=${begin}-${end - 1}` } });
    if (response.status === 206 || response.status === 200) {
      const bytes = new Uint8Array(await response.arrayBuffer());
      // 200: the whole file (a cache that ignored the range): keep only the part asked for.
      return response.status === 200 ? bytes.slice(begin, end) : bytes;
    }
    if ((response.status === 403 || response.status === 410) && mayRenew) {
      if (link === current) {
        const fresh = await renew();
        if (fresh === null) throw new Error("Mất kết nối mạng.");
        if (fresh.error) throw new Error(fresh.error.message);
        link = fresh;
      }
      return fetchRange(begin, end, false);
    }
    const body = await response.json().catch(() => ({}));
    throw new Error(body.error?.message || `HTTP ${response.status}`);
  }

  class SignedRanges extends pdfjsLib.PDFDataRangeTransport {
    requestDataRange(begin, end) {
      fetchRange(begin, end).then(
        (bytes) => this.onDataRange(begin, bytes),
        (error) => onRefused(error.message),
      );
    }
  }
  return new SignedRanges(link.size, null);
}
