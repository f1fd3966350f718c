"""Every string a browser script draws goes through the catalogue: each literal `t("…")` in
static/js is listed in web/js_catalogue.py, and each listed string has its English entry."""

from __future__ import annotations

import json
import re
from pathlib import Path

from paperless.web.js_catalogue import JS_CONTEXT_STRINGS, JS_STRINGS, catalogue_json

SCRIPTS = Path(__file__).resolve().parent.parent / "static" / "js"
LITERAL = re.compile(r"""\bt\(\s*"((?:[^"\\]|\\.)*)"\s*[,)]""")


def _literals() -> dict[str, str]:
    found = {}
    for script in sorted(SCRIPTS.glob("*.js")):
        for text in LITERAL.findall(script.read_text(encoding="utf-8")):
            found.setdefault(json.loads(f'"{text}"'), script.name)
    return found


def test_every_literal_a_script_translates_is_in_the_catalogue():
    listed = set(JS_STRINGS) | {msgid for _context, msgid in JS_CONTEXT_STRINGS}
    literals = _literals()
    assert len(literals) > 100  # the pattern still finds the scripts' strings
    missing = {text: where for text, where in literals.items() if text not in listed}
    assert not missing, missing


def test_every_catalogue_string_has_its_english(app):
    with app.test_request_context("/?lang=en"):
        from flask_babel import force_locale

        with force_locale("en"):
            table = json.loads(catalogue_json())
    worded = [m for m in JS_STRINGS if re.search(r"[^\W\d_]", re.sub(r"\{\w+\}", "", m))]
    untranslated = [m for m in worded if m not in table]
    assert not untranslated, untranslated
    with app.test_request_context("/"):
        assert catalogue_json() == "{}"  # Vietnamese, the source language, needs none


def test_a_result_reads_the_same_in_english_on_pages_as_on_the_live_screens(app):
    from flask_babel import force_locale

    from paperless.domain import voting
    from paperless.web import vote_wording

    options = [("yes", "Tán thành"), ("no", "Không tán thành"), ("abstain", "Không biểu quyết")]
    result = voting.tally_choices("open", options, ["yes"] * 24 + ["no"] * 3 + ["abstain"],
                                  total=30, present=29, rule="majority").to_dict()
    with app.test_request_context("/"):
        assert vote_wording.lines(result) == result["statement"]  # the legal wording as stored
        assert "Tán thành: 24/30 đại biểu, chiếm 80,00% tổng số đại biểu" in result["statement"]
        with force_locale("en"):
            english = vote_wording.lines(result)
    assert english == [
        "28/30 delegates took part in the vote (93.33% of all delegates)",
        "In favour: 24/30 delegates, 80.00% of all delegates",
        "Against: 3/30 delegates, 10.00% of all delegates",
        "Abstain: 1/30 delegates, 3.33% of all delegates",
        "Present but not voting: 1; absent: 1",
        "Result: passed (more than half of all delegates: needs 16/30)"]
