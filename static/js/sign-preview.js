// The chair's signing page: every page of the official PDF drawn with PDF.js, so the chair
// reads what they sign (templates/resolutions/sign.html). Nothing the PDF carries runs.
import { t } from "./i18n.js";

const box = document.querySelector("[data-testid=sign-preview]");
const status = box.querySelector("[data-bind=preview-status]");
const pages = box.querySelector("[data-bind=pages]");

async function draw() {
  const pdfjsLib = await import(box.dataset.pdfjsSrc);
  pdfjsLib.GlobalWorkerOptions.workerSrc = box.dataset.workerSrc;
  const pdf = await pdfjsLib.getDocument({ url: box.dataset.fileUrl, enableXfa: false,
                                           isEvalSupported: false }).promise;
  box.querySelector("[data-bind=page-count]").textContent = t("({count} trang)", { count: pdf.numPages });
  const width = Math.max(280, pages.clientWidth - 4);
  for (let number = 1; number <= pdf.numPages; number += 1) {
    const page = await pdf.getPage(number);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: width / base.width });
    const ratio = window.devicePixelRatio || 1;
    const figure = document.createElement("figure");
    figure.className = "sign-page";
    figure.dataset.page = String(number);
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${Math.floor(viewport.width)}px`;
    canvas.style.height = `${Math.floor(viewport.height)}px`;
    const caption = document.createElement("figcaption");
    caption.textContent = t("Trang {number}/{count}", { number, count: pdf.numPages });
    figure.append(canvas, caption);
    pages.append(figure);
    await page.render({ canvasContext: canvas.getContext("2d"), viewport,
                        transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0] }).promise;
  }
  status.hidden = true;
  box.classList.add("ready");
}

draw().catch(() => {
  status.textContent = t("Không hiển thị được văn bản; tải bản PDF/A để đọc trước khi ký.");
  status.classList.add("flash", "flash-error");
});
