"""PKCS#11 signing against SoftHSM2 (Debian package softhsm2), standing in for a USB token."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sigtest_tools import POPPLER_VALID, pdfsig

import signing

MODULE_CANDIDATES = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
]
TOKEN = "kyhopso-test"
PIN_ENV = "KYHOPSO_TEST_TOKEN_PIN"
PIN = "1234"


@pytest.fixture(scope="module")
def token(tmp_path_factory, pki):
    """One SoftHSM token per test run: the PKCS#11 library reads its config only once."""
    module = next((m for m in MODULE_CANDIDATES if Path(m).is_file()), None)
    util = shutil.which("softhsm2-util")
    if module is None or util is None:
        pytest.fail("SoftHSM2 is not installed: run `scripts/system-packages --test` "
                    "(or: apt-get install softhsm2)", pytrace=False)
    import pkcs11  # python-pkcs11 comes with pyhanko[pkcs11]
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOFTHSM2_CONF", str(conf))
        subprocess.run(
            [util, "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "5678"],
            check=True,
            capture_output=True,
        )
        # the chair's TEST key goes into the token, as a CA would deliver it on a USB token
        subprocess.run(
            [
                util,
                "--import",
                str(pki.chair.key_pem),
                "--token",
                TOKEN,
                "--label",
                "chair",
                "--id",
                "01",
                "--pin",
                PIN,
            ],
            check=True,
            capture_output=True,
        )
        from pkcs11 import Attribute, CertificateType, ObjectClass

        tok = pkcs11.lib(module).get_token(token_label=TOKEN)
        with tok.open(rw=True, user_pin=PIN) as session:
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: "chair",
                    Attribute.ID: b"\x01",
                    Attribute.SUBJECT: pki.chair.certificate.subject.public_bytes(),
                    Attribute.VALUE: pki.chair.cert_der,
                }
            )
        yield module


@pytest.fixture
def pin(monkeypatch):
    monkeypatch.setenv(PIN_ENV, PIN)
    return PIN_ENV


def test_sign_with_token(token, pin, pki, one_page_pdf, tmp_path):
    pdf = signing.add_signature_fields(one_page_pdf)
    with signing.open_pkcs11_signer(
        token, TOKEN, "chair", pin, extra_certs=[pki.root.certificate]
    ) as signer:
        result = signing.sign_pdf(
            pdf,
            signer,
            field_name=signing.SIGNER_FIELD,
            stamp=signing.signer_stamp("Nguyễn Văn A", "Chủ tịch"),
        )
    (rep,) = signing.validate_pdf(result.pdf, [pki.root.certificate])
    assert rep.status == signing.VALID and rep.signer_common_name == "Nguyễn Văn A"
    assert pdfsig(result.pdf, tmp_path)[signing.SIGNER_FIELD] == POPPLER_VALID


@pytest.mark.parametrize(
    ("token_label", "key_label", "code"),
    [("no-such-token", "chair", "token_missing"), (TOKEN, "no-such-key", "key_missing")],
)
def test_token_or_key_missing(token, pin, token_label, key_label, code, one_page_pdf, tmp_path):
    dst = tmp_path / "out.pdf"
    with pytest.raises(signing.SigningError) as err:  # noqa: SIM117 - the body must not run
        with signing.open_pkcs11_signer(token, token_label, key_label, pin) as signer:
            signing.sign_file(tmp_path / "in.pdf", dst, signer, field_name=signing.SIGNER_FIELD)
    assert err.value.code == code
    assert not dst.exists()


def test_module_missing(pin, tmp_path):
    with pytest.raises(signing.SigningError) as err:  # noqa: SIM117
        with signing.open_pkcs11_signer(tmp_path / "nope.so", TOKEN, "chair", pin):
            pass
    assert err.value.code == "token_module_missing"


def test_wrong_pin(token, monkeypatch):
    monkeypatch.setenv(PIN_ENV, "0000")
    with pytest.raises(signing.SigningError) as err:  # noqa: SIM117
        with signing.open_pkcs11_signer(token, TOKEN, "chair", PIN_ENV):
            pass
    assert err.value.code == "wrong_pin"
