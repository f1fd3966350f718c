"""A signature report holds plain values only.

pyHanko names a field with a ``TextStringObject``; a str subclass whose instance dict can
reach the whole parsed PDF. ``dataclasses.asdict`` deep-copied it for every report: 300
junk fields cost 111 s of the serving process's CPU after the worker had answered in 0.5 s
(found by the verify time-limit test)."""

from pyhanko.pdf_utils.generic import TextStringObject

from signing.validate import SignatureReport


class _Heavy(TextStringObject):
    """A field name that drags a large object graph along, as a parsed one can."""


def test_a_report_keeps_plain_strings_and_copies_nothing_heavy():
    name = _Heavy("Sig1")
    name.graph = {"objects": [list(range(1000)) for _ in range(200)]}
    report = SignatureReport(field_name=name, signer_common_name=_Heavy("A"),
                             certificate_chain=[_Heavy("CN=A")], problems=[_Heavy("x")])
    assert type(report.field_name) is str
    data = report.to_dict()
    assert data["field_name"] == "Sig1"
    for value in (data["field_name"], data["signer_common_name"], *data["certificate_chain"],
                  *data["problems"]):
        assert type(value) is str
    assert not hasattr(data["field_name"], "graph")
