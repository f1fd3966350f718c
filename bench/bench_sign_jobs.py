"""What moving signing into the worker pool costs: the same signature in the serving process
(as before issue 14) and as a worker job (`paperless.sign_jobs.sign`, as the services do now).

The official PDF and the keys of bench/bench_signing.py; per key (RSA-2048, ECDSA P-256) the
council's seal stamp and the validation of the output, in turns (`--rounds`):

* in process: `signing.load_pkcs12_signer` + `signing.sign_pdf(validate_with=roots)` here;
* worker job: a `KeySpec` (the .p12's path, the passphrase's variable sent in the job's
  environment) and a `StampSpec`; the worker (one, long-lived) loads the key once and keeps
  it, so a job costs the signature plus sending the PDF both ways.

Prints signatures per second of each and the milliseconds a job adds; writes
bench/results/sign_jobs.json. `--quick` runs short cells.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_signing import (  # noqa: E402
    ORGANISATION,
    PASS_ENV,
    _official,
    _rates,
    bench_identities,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="minimum time per cell")
    parser.add_argument("--runs", type=int, default=5, help="minimum signatures per cell")
    parser.add_argument("--quick", action="store_true", help="1.5 s cells")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-docx", action="store_true",
                        help="a reportlab final text instead of LibreOffice's rendering")
    args = parser.parse_args()
    if args.quick:
        args.seconds = 1.5
    import logging

    logging.getLogger("fontTools").setLevel(logging.ERROR)

    import signing
    from paperless import sign_jobs, workers

    workers.configure(size=1, timeout_s=120, memory_mb=1024)
    folder, secret, root, identities = bench_identities("bench-sign-jobs-")
    pdf = _official(not args.no_docx)
    roots = [root.certificate]
    rows = []
    try:
        for key_name, ident in identities.items():
            def in_process(ident=ident):
                signer = signing.load_pkcs12_signer(ident.p12, PASS_ENV)
                result = signing.sign_pdf(
                    pdf, signer, field_name=signing.ORGANISATION_FIELD,
                    stamp=signing.seal_stamp(ORGANISATION, time_zone="Asia/Ho_Chi_Minh"),
                    validate_with=roots)
                assert [r.status for r in result.reports] == [signing.VALID]

            step = sign_jobs.SignStep(
                signing.ORGANISATION_FIELD, sign_jobs.KeySpec(str(ident.p12), PASS_ENV),
                sign_jobs.StampSpec("seal", (ORGANISATION,), {"time_zone": "Asia/Ho_Chi_Minh"}))

            def in_worker(step=step):
                result = sign_jobs.sign(pdf, [step], validate_with=roots)
                assert [r.status for r in result.reports] == [signing.VALID]

            measured = _rates({"in_process": in_process, "worker_job": in_worker},
                              args.seconds, args.runs, args.rounds)
            here, job = measured["in_process"][0], measured["worker_job"][0]
            added_ms = (1 / job - 1 / here) * 1000
            rows.append({"key": key_name, "bytes": len(pdf),
                         "in_process_per_second": round(here, 2),
                         "worker_job_per_second": round(job, 2),
                         "added_ms_per_signature": round(added_ms, 1)})
            print(f"{key_name:<12} {len(pdf) / 1024:>5.0f} KiB | in process {here:>6.2f}/s | "
                  f"worker job {job:>6.2f}/s | a job adds {added_ms:+.1f} ms", flush=True)
    finally:
        workers.shutdown()
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    figures = [{"figure": f"{row['key']}_worker_job_per_s",
                "label": f"{row['key']}: signatures per second as a worker job (seal stamp, "
                         "validated)", "unit": "signatures/s",
                "value": row["worker_job_per_second"], "baseline": "in the serving process",
                "baseline_value": row["in_process_per_second"]} for row in rows]
    (out / "sign_jobs.json").write_text(json.dumps(
        {"benchmark": "sign_jobs", "parameters": {"cpus": os.cpu_count(),
                                                  "load": list(os.getloadavg())},
         "rows": rows, "figures": figures}, indent=2, ensure_ascii=False))
    print(f"wrote {out / 'sign_jobs.json'}")


if __name__ == "__main__":
    main()
