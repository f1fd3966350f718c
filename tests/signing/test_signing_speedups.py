"""The hex-string reader installed into pyHanko reads what pyHanko's own reads, and fails
where it fails."""

from __future__ import annotations

from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

import signing  # noqa: F401  (installs the reader)
from signing import _speedups

CASES = [b"<>", b"<48656c6c6f> rest", b"<48 65\n6c\r6c\t6f\x00>", b"<4>", b"<ABCdef01>",
         b"<FEFF00540069006E>", b"<" + b"0" * 200_000 + b">tail", b"<48%comment\n65>",
         b"<41 42 4>"]
BROKEN = [b"<48zz>", b"<4865", b"<", b"<48<65>"]


def _both(data: bytes):
    out = []
    for reader in (_speedups._original, _speedups.read_hex_string_from_stream):
        stream = BytesIO(data)
        try:
            value = reader(stream)
            out.append((type(value).__name__, bytes(value.original_bytes), stream.tell()))
        except PdfStreamError as exc:
            out.append(("error", str(exc), None))
    return out


def test_installed():
    assert generic.read_hex_string_from_stream is _speedups.read_hex_string_from_stream


@pytest.mark.parametrize("data", CASES + BROKEN)
def test_same_as_pyhanko(data):
    original, fast = _both(data)
    assert fast == original
    assert (original[0] == "error") == (data in BROKEN)


def test_names_compare_as_before():
    from asn1crypto import x509

    def name(cn, org="HĐND xã Tân Phú"):
        return x509.Name.build({"common_name": cn, "organization_name": org})

    assert _speedups._ldap_string_prep(None, "  Nguyễn  VĂN Hùng ") == \
        _speedups._original_prep(None, "  Nguyễn  VĂN Hùng ")
    assert name("Nguyễn Văn Hùng") == name("nguyễn  văn hùng")  # RFC 4518: case, spaces
    assert name("Nguyễn Văn Hùng") != name("Nguyễn Văn Hưng")
    assert name("A").hashable == name("a").hashable
    with pytest.raises(ValueError):  # prohibited characters are refused as before
        _speedups._ldap_string_prep(None, "bad\ufffdname")
