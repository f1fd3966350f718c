// Strings the scripts draw go through the server's catalogue: the page carries the
// translations of the current language as a JSON data block (paperless/web/js_catalogue.py);
// Vietnamese, the source language, needs none. `{name}` placeholders are filled in.
const block = document.getElementById("i18n-catalogue");
const CATALOGUE = block ? JSON.parse(block.textContent || "{}") : {};

export function t(msgid, params = {}, context = null) {
  const text = (context && CATALOGUE[`${context}\u0004${msgid}`]) ?? CATALOGUE[msgid] ?? msgid;
  return text.replace(/\{(\w+)\}/g, (whole, key) => (key in params ? String(params[key]) : whole));
}
