"""Signing and stamping in the worker pool (paperless/workers.py), never in the serving loop.

A signature is seconds of CPU on a large PDF (parse, stamp, hash, the validation of every
signature of the output) and the output is as large as the input: in the one gevent loop it
would freeze the hall. The caller (a service) describes the work with plain, picklable specs
and the worker does all of it:

* ``KeySpec``: where the key is (the ``.p12`` of the signing folder and the *name* of the
  environment variable with its passphrase, or a PKCS#11 token's configuration) — the
  secret itself travels only as that variable of the job's environment
  (``workers.run(env=...)``), and the worker loads the key itself. Worker processes are
  long-lived (``workers.JOBS_PER_WORKER`` jobs), so the decrypted key
  (``signing.load_pkcs12_signer``'s cache) and the parsed stamp fonts (``signing.fonts``)
  stay in the worker between jobs, as they stayed in the server before.
* ``StampSpec``: which stamp of ``signing`` (``seal_stamp``, ``copy_stamp``, …) with its
  texts, image paths and time zone; the fonts are the worker's ``signing.FontConfig()``
  (SIGNING_FONT / SIGNING_FONT_BOLD of the server go along in the job's environment).
* ``SignStep``: one signature (field, key, stamp, reason, long-term options); a job signs
  one or several steps in order (the minutes: chair then organisation) and validates the
  output once if asked.

The answer, ``Signed``, carries the PDF, per step the PAdES level, signing time and the
signer's certificate (DER), and the validation reports. Signing errors are raised again in
the caller with their code (``signing.SigningError`` travels between processes). Nothing
here imports Flask or the database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from paperless import workers


@dataclass(frozen=True)
class KeySpec:
    """A signing key as the worker finds it: a PKCS#12 file (passphrase from the environment
    variable ``passphrase_env``) or, with ``token``, a PKCS#11 token (its JSON
    configuration: module, token_label, key_label, cert_label, pin_env)."""

    path: str
    passphrase_env: str
    extra_certs: tuple[bytes, ...] = ()  # DER: the chain to embed (the configured roots)
    token: dict | None = None
    pin_env: str = "PAPERLESS_SIGNING_PIN"

    def environment(self) -> dict[str, str]:
        """The secret the worker needs, from the server's environment (absent: the worker
        reports passphrase_missing / pin_missing as the server would have)."""
        if self.token is not None:
            name = self.token.get("pin_env") or self.pin_env
        else:
            name = self.passphrase_env
        value = os.environ.get(name)
        return {name: value} if value else {}


@dataclass(frozen=True)
class StampSpec:
    """``signing.<kind>_stamp(*args, **kwargs)``; with ``name_from_certificate`` the first
    argument (a name) is replaced by the signing certificate's common name when it has
    one."""

    kind: str  # signer, organisation, seal, copy, signature_image
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    name_from_certificate: bool = False

    def build(self, certificate=None):
        import signing

        if self.kind not in ("signer", "organisation", "seal", "copy", "signature_image"):
            raise ValueError(self.kind)
        args = self.args
        if self.name_from_certificate and certificate is not None and args:
            name = certificate.subject.native.get("common_name")
            if name:
                args = (name, *args[1:])
        return getattr(signing, f"{self.kind}_stamp")(*args, **self.kwargs)


@dataclass(frozen=True)
class SignStep:
    field_name: str
    key: KeySpec
    stamp: StampSpec | None = None
    options: dict = field(default_factory=dict)  # sign_pdf's: reason, location, certify, …


@dataclass(frozen=True)
class StepResult:
    field_name: str
    pades_level: str
    signing_time: str | None
    certificate: bytes  # DER of the signer's certificate


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    steps: list[StepResult]
    reports: list | None  # signing.SignatureReport of every signature, when validated


def _font_environment() -> dict[str, str]:
    from signing.stamp import BOLD_FONT_ENV, FONT_ENV

    return {name: os.environ[name] for name in (FONT_ENV, BOLD_FONT_ENV) if os.environ.get(name)}


def timestamper_spec(timestamper):
    """What travels for a timestamper: an HTTP TSA as its address (the worker opens its own
    connection), any other (pyHanko's in-process TEST TSA) as the object itself."""
    if timestamper is None:
        return None
    url = getattr(timestamper, "url", None)
    if isinstance(url, str):
        return ("http", url, float(getattr(timestamper, "timeout", 10) or 10))
    return timestamper


def sign(pdf: bytes, steps: list[SignStep], *, timestamper=None, add_fields: list | None = None,
         validate_with=None, validation_crls=()) -> Signed:
    """Sign ``pdf`` with each step in turn in one worker job. ``add_fields``
    (signing.FieldPlacement) are added first; ``validate_with`` (trust roots): the output's
    signatures are validated in the same job."""
    from signing.keys import to_asn1_certificate

    env = _font_environment()
    for step in steps:
        env.update(step.key.environment())
    roots = None if validate_with is None else \
        [to_asn1_certificate(c).dump() for c in validate_with]
    return workers.run("paperless.sign_jobs:_sign", pdf, list(steps),
                       timestamper_spec(timestamper), list(add_fields or []), roots,
                       list(validation_crls), env=env)


def prepare(pdf: bytes, certificate, *, field_name: str, chain=(), stamp: StampSpec | None = None,
            reason: str | None = None):
    """Two-step signing, step 1 (signing.prepare_signature) in a worker: the stamp drawn and
    the placeholder written there; returns the signing.PreparedSignature."""
    return workers.run("paperless.sign_jobs:_prepare", pdf, certificate, field_name,
                       list(chain), stamp, reason, env=_font_environment())


def finish(prepared, *, signature: bytes | None = None, cms: bytes | None = None,
           timestamper=None) -> tuple[bytes, str, str | None]:
    """Two-step signing, last step, in a worker: the signature value (or the whole CMS) put
    in the placeholder; returns (PDF, PAdES level, signing time)."""
    return workers.run("paperless.sign_jobs:_finish", prepared, signature, cms,
                       timestamper_spec(timestamper))


def check_key(key: KeySpec) -> None:
    """Open the key (and check its certificate) in a worker: SigningError if it cannot sign."""
    workers.run("paperless.sign_jobs:_check_key", key, env=key.environment())


# --- run inside a worker ------------------------------------------------------------------

def _timestamper(spec):
    if isinstance(spec, tuple) and spec and spec[0] == "http":
        from pyhanko.sign.timestamps import HTTPTimeStamper

        return HTTPTimeStamper(spec[1], timeout=spec[2])
    return spec


def _open(key: KeySpec):
    """A context manager giving the signer; the .p12 is decrypted once per worker process."""
    import contextlib

    import signing

    if key.token is not None:
        config = key.token
        return signing.open_pkcs11_signer(
            config["module"], config["token_label"], config["key_label"],
            config.get("pin_env") or key.pin_env, cert_label=config.get("cert_label"),
            extra_certs=list(key.extra_certs))
    try:
        signer = signing.load_pkcs12_signer(key.path, key.passphrase_env,
                                            extra_certs=list(key.extra_certs))
    except (ValueError, TypeError) as exc:  # a file that is not PKCS#12 at all
        raise signing.KeyLoadError(str(exc)[:200], code="key_file_invalid") from exc
    return contextlib.nullcontext(signer)


def add_copy_field(pdf: bytes, field_name: str) -> bytes:
    """The field of a copy or an attachment at the top right of page 1 (its own page box)."""
    import signing
    from paperless.pdf import official

    return signing.add_signature_fields(pdf, [signing.FieldPlacement(
        field_name, 0, official.copy_box(pdf))])


def _prepare(pdf: bytes, certificate, field_name: str, chain: list, stamp: StampSpec | None,
             reason: str | None):
    import signing

    return signing.prepare_signature(pdf, certificate, field_name=field_name, chain=chain,
                                     stamp=stamp.build() if stamp else None, reason=reason)


def _finish(prepared, signature: bytes | None, cms: bytes | None, timestamper):
    import signing
    from signing.validate import summarise_field

    data = (signing.finish_with_signature(prepared, signature,
                                          timestamper=_timestamper(timestamper))
            if signature is not None else signing.finish_with_cms(prepared, cms))
    return (data, *summarise_field(data, prepared.field_name))


def _check_key(key: KeySpec) -> None:
    with _open(key):
        pass


def _sign(pdf: bytes, steps: list[SignStep], timestamper, add_fields: list, roots,
          crls: list) -> Signed:
    import signing

    stamper = _timestamper(timestamper)
    if add_fields:
        pdf = signing.add_signature_fields(pdf, add_fields)
    results: list[StepResult] = []
    reports = None
    for index, step in enumerate(steps):
        last = index == len(steps) - 1
        with _open(step.key) as signer:
            stamp = step.stamp.build(signer.signing_cert) if step.stamp else None
            options = dict(step.options)
            if options.get("embed_validation_info"):
                options.setdefault("trust_roots", list(roots or []))
            result = signing.sign_pdf(
                pdf, signer, field_name=step.field_name, stamp=stamp,
                timestamper=stamper if options.pop("timestamped", True) else None,
                validate_with=roots if last and roots is not None else None,
                validation_crls=crls if last else (), **options)
            certificate = signer.signing_cert.dump()
        pdf = result.pdf
        reports = result.reports if last else None
        results.append(StepResult(step.field_name, result.pades_level, result.signing_time,
                                  certificate))
    return Signed(pdf, results, reports)
