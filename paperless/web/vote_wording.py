"""A vote's announcement lines in the page's language. In Vietnamese they are the stored
legal wording as it is (the minutes and the archive print the same); in another language the
same lines are rebuilt from the figures with the msgids the scripts use (static/js/
vote-view.js, statementLines), so a page and the live screens say the same thing."""

from __future__ import annotations

import re

from flask_babel import get_locale, gettext

RULES = {"majority": "quá một nửa tổng số đại biểu",
         "two_thirds": "ít nhất hai phần ba tổng số đại biểu"}


def _fill(msgid: str, **params) -> str:
    text = gettext(msgid)
    return re.sub(r"\{(\w+)\}", lambda m: str(params.get(m.group(1), m.group(0))), text)


def _percent(count: int, total: int) -> str:
    value = f"{(round(count * 10000 / total) / 100) if total else 0:.2f}"
    return f"{value}%"


def lines(result: dict | None) -> list[str]:
    if not result:
        return []
    stored = list(result.get("statement") or [])
    if str(get_locale()) == "vi":
        return stored
    n = result.get("total") or 0
    out = []
    if result.get("manual"):
        found = re.search(r"\((.*)\)\.?$", stored[0]) if stored else None
        out.append(_fill("Kết quả kiểm thủ công ({note}).", note=found.group(1) if found else ""))
    voted = result.get("voted", 0)
    out.append(_fill("Có {voted}/{total} đại biểu tham gia biểu quyết (chiếm {percent} tổng số "
                     "đại biểu)", voted=voted, total=n, percent=_percent(voted, n)))
    for c in result.get("choices") or []:
        out.append(_fill("{label}: {count}/{total} đại biểu, chiếm {percent} tổng số đại biểu",
                         label=gettext(c["label"]), count=c["count"], total=n,
                         percent=_percent(c["count"], n)))
    for c in result.get("candidates") or []:
        out.append(_fill("{name}: {count}/{total} phiếu bầu, chiếm {percent} tổng số đại biểu",
                         name=c["name"], count=c["count"], total=n,
                         percent=_percent(c["count"], n))
                   + (gettext(" — trúng cử") if c.get("elected") else ""))
    for p in result.get("persons") or []:
        levels = "; ".join(f"{gettext(lv['label']).lower()} {lv['count']} "
                           f"({_percent(lv['count'], n)})" for lv in p.get("levels", []))
        out.append(f"{p['name']}: {levels}. {gettext(p.get('consequence_label', ''))}")
    out.append(_fill("Có mặt nhưng không biểu quyết: {not_voted}; vắng mặt: {absent}",
                     not_voted=result.get("not_voted", 0), absent=result.get("absent", 0)))
    if result.get("choices"):
        msgid = ("Kết quả: được thông qua ({rule}: cần {required}/{total})" if result.get("passed")
                 else "Kết quả: không được thông qua ({rule}: cần {required}/{total})")
        rule = result.get("rule", "")
        out.append(_fill(msgid, rule=gettext(RULES.get(rule, rule)),
                         required=result.get("required", 0), total=n))
    if result.get("kind") == "election" and result.get("tie_for_last_seat"):
        out.append(gettext("Có ứng cử viên bằng phiếu ở vị trí cuối: cần bầu lại."))
    return out
