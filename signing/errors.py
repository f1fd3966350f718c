"""Signing errors with stable machine codes and Vietnamese messages.

The web app shows ``message_vi`` to the user and logs ``code``; ``detail`` is the
technical cause (English, from the underlying library) for the log only.
"""

from __future__ import annotations

MESSAGES_VI: dict[str, str] = {
    "wrong_passphrase": "Mật khẩu tệp chứng thư số (PKCS#12) không đúng.",
    "passphrase_missing": "Chưa cấu hình mật khẩu cho tệp chứng thư số.",
    "key_file_missing": "Không tìm thấy tệp chứng thư số.",
    "certificate_expired": "Chứng thư số đã hết hạn.",
    "certificate_not_yet_valid": "Chứng thư số chưa đến thời hạn hiệu lực.",
    "key_usage_missing": "Chứng thư số không được phép dùng để ký số.",
    "token_missing": "Không tìm thấy thiết bị ký số (USB token/HSM).",
    "token_module_missing": "Không tải được thư viện PKCS#11 của thiết bị ký số.",
    "pin_missing": "Chưa cấu hình mã PIN của thiết bị ký số.",
    "wrong_pin": "Mã PIN của thiết bị ký số không đúng.",
    "key_missing": "Không tìm thấy khóa hoặc chứng thư trên thiết bị ký số.",
    "not_a_pdf": "Tệp không phải là tài liệu PDF hợp lệ.",
    "field_missing": "Tài liệu không có ô chữ ký cần ký.",
    "field_already_signed": "Ô chữ ký này đã được ký.",
    "font_missing": "Không tìm thấy phông chữ để hiển thị chữ ký.",
    "image_missing": "Không tìm thấy tệp hình ảnh con dấu/chữ ký.",
    "signature_mismatch": "Chữ ký trả về không khớp với chứng thư số hoặc dữ liệu đã chuẩn bị.",
    "invalid_prepared_state": "Dữ liệu chuẩn bị ký không hợp lệ hoặc đã hỏng.",
    "timestamp_failed": "Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian.",
    "signing_failed": "Ký số không thành công.",
    "too_complex": "Tệp PDF quá phức tạp để kiểm tra (quá nhiều trang hoặc ô chữ ký).",
}


class SigningError(Exception):
    """Base class. ``code`` is stable; ``message_vi`` is shown to users."""

    code = "signing_failed"

    def __init__(self, detail: str = "", *, code: str | None = None):
        if code is not None:
            self.code = code
        self.detail = detail
        self.message_vi = MESSAGES_VI.get(self.code, MESSAGES_VI["signing_failed"])
        super().__init__(f"{self.code}: {detail}" if detail else self.code)

    def __reduce__(self):
        # Travels between processes (paperless.workers) with its code intact.
        return (self.__class__, (self.detail,), {"code": self.code, "message_vi": self.message_vi})

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message_vi, "detail": self.detail}


class KeyLoadError(SigningError):
    """The signing key could not be opened (file, passphrase, token, PIN)."""

    code = "key_file_missing"


class CertificateError(SigningError):
    """The signer's certificate cannot be used to sign now."""

    code = "certificate_expired"


class TokenError(KeyLoadError):
    """PKCS#11 token problems."""

    code = "token_missing"


class DocumentError(SigningError):
    """The input is not a usable PDF, or lacks the needed signature field."""

    code = "not_a_pdf"


class StampError(SigningError):
    """The visible signature block cannot be drawn (font, image)."""

    code = "font_missing"
