"""Two behaviour-preserving speed-ups of the libraries under every signature and validation.

1. A faster reader for PDF hex strings, installed into pyHanko's parser.

pyHanko reads a hex string one byte at a time (a generator over ``read_non_whitespace``):
a signature's /Contents is a placeholder of thousands of hex digits, read again by every
validation — a few milliseconds of every signature. This reads up to the closing ``>`` in
blocks and decodes at once. Anything unusual (a comment inside the string, a character that
is not a hex digit, no closing ``>``) goes back to pyHanko's own reader, so errors and
results stay exactly pyHanko's.

2. RFC 4518 string preparation of certificate names, memoised. asn1crypto prepares every
value of a distinguished name (stringprep tables, character by character) for each new
name object it compares — about 40 per signature, on the same few certificates. The
preparation is a pure function of the string, so it is kept per string.
"""

from __future__ import annotations

import binascii
from functools import lru_cache

from asn1crypto import x509
from pyhanko.pdf_utils import generic

_WHITESPACE = b" \n\r\t\x0c\x00"
_HEX = b"0123456789abcdefABCDEF"
_BLOCK = 1 << 16
_original = generic.read_hex_string_from_stream


def read_hex_string_from_stream(stream):
    start = stream.tell()
    stream.read(1)  # the opening "<"
    parts, found = [], False
    while True:
        block = stream.read(_BLOCK)
        if not block:
            break
        end = block.find(b">")
        if end >= 0:
            parts.append(block[:end])
            found = True
            break
        parts.append(block)
    raw = b"".join(parts)
    if not found or b"%" in raw:
        stream.seek(start)
        return _original(stream)
    digits = raw.translate(None, _WHITESPACE)
    if digits.translate(None, _HEX):  # not a hex digit: pyHanko's error
        stream.seek(start)
        return _original(stream)
    stream.seek(start + 1 + len(raw) + 1)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


_original_prep = x509.NameTypeAndValue._ldap_string_prep


@lru_cache(maxsize=4096)
def _prepared(string: str) -> str:
    return _original_prep(None, string)


def _ldap_string_prep(self, string):
    if isinstance(string, str) and len(string) <= 1024:
        return _prepared(string)
    return _original_prep(self, string)


def install() -> None:
    if generic.read_hex_string_from_stream is not read_hex_string_from_stream:
        generic.read_hex_string_from_stream = read_hex_string_from_stream
    if x509.NameTypeAndValue._ldap_string_prep is not _ldap_string_prep:
        x509.NameTypeAndValue._ldap_string_prep = _ldap_string_prep
