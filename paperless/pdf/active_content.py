"""Find active content (scripts, launch actions, attachments, multimedia) in a PDF.

We walk the object graph from the catalog instead of grepping bytes: names inside
compressed object streams are invisible to a byte scan, while the graph walk sees exactly
what a viewer would act on. The walk only reads dictionaries/arrays (never decodes
content streams) and is bounded by a node budget.
"""

from __future__ import annotations

from dataclasses import dataclass

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

MAX_NODES = 200_000

# kind -> (Vietnamese description, English description)
KINDS: dict[str, tuple[str, str]] = {
    "javascript": (
        "Tài liệu chứa mã JavaScript (có thể tự chạy khi mở).",
        "The document contains JavaScript (may run when opened).",
    ),
    "open_action": (
        "Tài liệu có hành động tự động khi mở (OpenAction).",
        "The document performs an action when opened (OpenAction).",
    ),
    "additional_actions": (
        "Tài liệu có hành động tự động gắn với sự kiện (AA: mở trang, nhấp chuột…).",
        "The document has event-triggered actions (AA: page open, mouse events…).",
    ),
    "launch": (
        "Tài liệu có lệnh mở chương trình hoặc tệp bên ngoài (Launch).",
        "The document can launch external programs or files (Launch).",
    ),
    "embedded_file": (
        "Tài liệu có tệp đính kèm nhúng bên trong.",
        "The document contains embedded file attachments.",
    ),
    "rich_media": (
        "Tài liệu chứa nội dung đa phương tiện (RichMedia/Flash/video/âm thanh).",
        "The document contains multimedia (RichMedia/Flash/video/sound).",
    ),
    "submit_form": (
        "Tài liệu có biểu mẫu gửi dữ liệu ra bên ngoài (SubmitForm/ImportData).",
        "The document has a form that sends or imports data externally.",
    ),
    "xfa": (
        "Tài liệu dùng biểu mẫu XFA (có thể chứa mã kịch bản).",
        "The document uses an XFA form (may contain scripts).",
    ),
}

_ACTION_KIND = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "submit_form",
    "/ImportData": "submit_form",
    "/RichMediaExecute": "rich_media",
    "/Movie": "rich_media",
    "/Sound": "rich_media",
    "/Rendition": "rich_media",
    "/GoToE": "embedded_file",
}
_ANNOT_KIND = {
    "/FileAttachment": "embedded_file",
    "/RichMedia": "rich_media",
    "/Screen": "rich_media",
    "/Movie": "rich_media",
    "/Sound": "rich_media",
}
# Harmless navigation: an OpenAction that only jumps to a page (what LibreOffice,
# pdfTeX etc. write) is not worth warning about.
_BENIGN_OPEN_ACTIONS = {"/GoTo", None}


@dataclass(frozen=True)
class ActiveContent:
    kind: str
    description_vi: str
    description_en: str
    count: int


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def scan_active_content(reader) -> list[ActiveContent]:
    counts: dict[str, int] = {}

    def hit(kind: str) -> None:
        counts[kind] = counts.get(kind, 0) + 1

    root = _resolve(reader.trailer.get("/Root"))
    if not isinstance(root, DictionaryObject):
        return []

    open_action = _resolve(root.get("/OpenAction"))
    if isinstance(open_action, DictionaryObject) and (
        open_action.get("/S") not in _BENIGN_OPEN_ACTIONS
    ):
        hit("open_action")

    names = _resolve(root.get("/Names"))
    if isinstance(names, DictionaryObject):
        if "/JavaScript" in names:
            hit("javascript")
        if "/EmbeddedFiles" in names:
            hit("embedded_file")
    acroform = _resolve(root.get("/AcroForm"))
    if isinstance(acroform, DictionaryObject) and "/XFA" in acroform:
        hit("xfa")

    seen: set[tuple[int, int]] = set()
    stack = [root]
    budget = MAX_NODES
    while stack and budget > 0:
        budget -= 1
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                node = node.get_object()
            except Exception:  # broken reference: nothing a viewer could run either
                continue
        if isinstance(node, DictionaryObject):
            _classify_dict(node, hit)
            for k, v in node.items():
                # /Parent points back up the page tree; it is reached anyway.
                if k != "/Parent" and isinstance(
                    v, (DictionaryObject, ArrayObject, IndirectObject)
                ):
                    stack.append(v)
        elif isinstance(node, ArrayObject):
            stack.extend(
                v for v in node if isinstance(v, (DictionaryObject, ArrayObject, IndirectObject))
            )

    return [ActiveContent(kind, *KINDS[kind], count) for kind, count in sorted(counts.items())]


def _classify_dict(node: DictionaryObject, hit) -> None:
    if "/JS" in node:
        hit("javascript")
    action = node.get("/S")
    if isinstance(action, str) and action in _ACTION_KIND and action != "/JavaScript":
        hit(_ACTION_KIND[action])
    if "/AA" in node:
        hit("additional_actions")
    subtype = node.get("/Subtype")
    if node.get("/Type") == "/Annot" or "/Rect" in node:
        kind = _ANNOT_KIND.get(subtype) if isinstance(subtype, str) else None
        if kind:
            hit(kind)
    if node.get("/Type") == "/EmbeddedFile":
        hit("embedded_file")
