"""Open untrusted PDF bytes with pypdf under tight resource limits.

Shared by inspect/watermark/annotate so all of them decrypt and bound work the same way.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from contextvars import ContextVar

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError

from .errors import ENCRYPTED, PdfRejected

# Decompression-bomb guard. pypdf >= 6 bounds every filter's output through
# ``pypdf.Configuration`` (defaults 75 MB per stream). Council documents are text and
# scans; 40 MB per decoded stream is plenty and keeps a worker's memory bounded.
MAX_DECODED_STREAM_BYTES = 40_000_000

_LIMITS = {
    "maximum_declared_stream_length": MAX_DECODED_STREAM_BYTES,
    "array_based_stream_maximum_output_length": MAX_DECODED_STREAM_BYTES,
    "zlib_maximum_output_length": MAX_DECODED_STREAM_BYTES,
    "lzw_maximum_output_length": MAX_DECODED_STREAM_BYTES,
    "run_length_maximum_output_length": MAX_DECODED_STREAM_BYTES,
    "brotli_maximum_output_length": MAX_DECODED_STREAM_BYTES,
    "jbig2_maximum_output_length": MAX_DECODED_STREAM_BYTES,
    "image_maximum_buffer_size": MAX_DECODED_STREAM_BYTES,
    "stream_decoding_work_maximum_length": 4 * MAX_DECODED_STREAM_BYTES,
    # Never let a hostile file make us spawn the external jbig2dec binary.
    "jbig2dec_binary": None,
}


@contextlib.contextmanager
def pdf_limits() -> Iterator[None]:
    """Apply our limits to pypdf for the current context (thread/greenlet-local ContextVar).

    Older pypdf (< 6) has no Configuration object; its built-in module-level limits
    then apply, which is still bounded, just looser.
    """
    apply = getattr(pypdf, "apply_configuration", None)
    config_cls = getattr(pypdf, "Configuration", None)
    if apply is None or config_cls is None:
        yield
        return
    known = {k: v for k, v in _LIMITS.items() if hasattr(config_cls, k)}
    with apply(**known):
        yield


_QUIET: ContextVar[bool] = ContextVar("paperless_pdf_quiet", default=False)


class _QuietFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or not _QUIET.get()


logging.getLogger("pypdf").addFilter(_QuietFilter())


@contextlib.contextmanager
def quiet_pypdf() -> Iterator[None]:
    """pypdf logs a warning for every tolerated defect; untrusted uploads would flood logs.

    A ContextVar (not logger.setLevel) so concurrent requests/greenlets don't race on
    the shared logger's level.
    """
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def encrypted_error() -> PdfRejected:
    return PdfRejected(
        ENCRYPTED,
        "Tệp PDF được bảo vệ bằng mật khẩu. Vui lòng gỡ mật khẩu rồi tải lên lại.",
        "The PDF is password-protected. Remove the password and upload it again.",
    )


def open_reader(data: bytes) -> pypdf.PdfReader:
    """Return a reader for ``data``; files encrypted only with an owner password
    (empty user password — they open in any viewer without a prompt) are decrypted.

    Raises PdfRejected(encrypted) when a real password is needed. Other pypdf errors
    propagate so the caller can classify them. Call inside :func:`pdf_limits`.
    """
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            ok = reader.decrypt("")
        except (DependencyError, FileNotDecryptedError, NotImplementedError) as exc:
            # DependencyError: AES needs the optional `cryptography` package.
            raise encrypted_error() from exc
        if not ok:
            raise encrypted_error()
    return reader
