"""bench/run_all.py: every bench's JSON becomes figures beside their baselines, one table."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture
def run_all(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location("run_all_under_test", BENCH / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "RESULTS_DIR", tmp_path)
    monkeypatch.setattr(module, "OUT_JSON", tmp_path / "results.json")
    monkeypatch.setattr(module, "OUT_MD", tmp_path / "RESULTS.md")
    monkeypatch.setattr(module, "discover", lambda: ["documents", "live", "multiprocess"])
    yield module
    sys.modules.pop("run_all_under_test", None)


def test_benches_are_discovered_from_their_file_names():
    spec = importlib.util.spec_from_file_location("run_all_discover", BENCH / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCH))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    names = module.discover()
    assert {"documents", "live", "votes"} <= set(names)
    assert all((BENCH / f"bench_{n}.py").exists() for n in names)


def test_collect_normalises_each_shape_and_writes_the_table(run_all, tmp_path):
    (tmp_path / "documents.json").write_text(json.dumps({
        "publish": {"documents": 2, "total_mb": 8.0, "mb_per_s": 4.0},
        "full_downloads": {"compare": {"mb_per_s": {"app": 100.0, "nginx": 400.0,
                                                     "nginx_x_accel": 200.0}}},
        "byte_ranges": {"compare": {"req_per_s": {"app": 600.0, "nginx": 20000.0,
                                                  "app_signed": 5000.0,
                                                  "nginx_secure_link": 19000.0}}}}))
    (tmp_path / "live.json").write_text(json.dumps({"figures": [
        {"figure": "last_client_p99_ms", "label": "next item → last client, p99", "unit": "ms",
         "app": 300.0, "bare": 200.0, "ratio": 1.5}]}))
    (tmp_path / "multiprocess.json").write_text(json.dumps({"figures": [
        {"figure": "observers", "label": "5,000 observers, p99", "unit": "ms",
         "value": 90.0, "baseline": "one process", "baseline_value": 60.0}]}))
    assert run_all.main(["--collect"]) == 0
    report = json.loads((tmp_path / "results.json").read_text())
    docs = {f["figure"]: f for f in report["benches"]["documents"]["figures"]}
    assert docs["full_downloads_mb_per_s"]["ratio"] == pytest.approx(0.25)
    assert docs["full_downloads_mb_per_s_x_accel"]["ratio"] == pytest.approx(0.5)
    assert docs["byte_ranges_req_per_s_signed"]["ratio"] == pytest.approx(0.25)
    assert docs["byte_ranges_req_per_s_secure_link"]["ratio"] == pytest.approx(0.95)
    assert docs["publish_mb_per_s"]["baseline_value"] is None
    live = report["benches"]["live"]["figures"][0]
    assert (live["value"], live["baseline_value"], live["ratio"]) == (300.0, 200.0, 1.5)
    assert live["baseline"] == "bare python-socketio"
    multi = report["benches"]["multiprocess"]["figures"][0]
    assert multi["ratio"] == pytest.approx(1.5) and multi["baseline"] == "one process"
    table = (tmp_path / "RESULTS.md").read_text()
    assert "| next item → last client, p99 | 300 ms | bare python-socketio | 200 ms | 1.50 |" \
        in table
    assert "| 5,000 observers, p99 | 90.0 ms | one process | 60.0 ms | 1.50 |" in table


def test_a_missing_result_is_reported_not_invented(run_all, tmp_path):
    assert run_all.main(["--collect", "--only", "live"]) == 0
    report = json.loads((tmp_path / "results.json").read_text())
    assert report["benches"]["live"]["figures"] == []
    assert "no " in report["benches"]["live"]["error"]
    assert "Not available" in (tmp_path / "RESULTS.md").read_text()


def test_a_partial_run_keeps_the_other_benches_of_the_last_report(run_all, tmp_path):
    """`--only live` on a machine whose bench/results/ holds only live.json (it is ignored
    by git) keeps the documents figures of the committed report, and names when they ran."""
    kept = {"source": "bench/results/documents.json", "measured_at": "2026-11-23T11:20:05",
            "parameters": {}, "figures": [{"label": "kept figure", "unit": "", "value": 1,
                                           "baseline": "", "baseline_value": None,
                                           "ratio": None}]}
    (tmp_path / "results.json").write_text(json.dumps({"benches": {"documents": kept}}))
    (tmp_path / "live.json").write_text(json.dumps({"figures": [
        {"figure": "p99", "label": "next item p99", "unit": "ms", "app": 2.0, "bare": 1.0}]}))
    assert run_all.main(["--collect", "--only", "live"]) == 0
    report = json.loads((tmp_path / "results.json").read_text())
    assert report["benches"]["documents"]["measured_at"] == "2026-11-23T11:20:05"
    assert report["benches"]["live"]["figures"][0]["value"] == 2.0
    table = (tmp_path / "RESULTS.md").read_text()
    assert "kept figure" in table and "next item p99" in table


def test_the_secret_votes_variant_runs_bench_votes_and_has_its_own_table(run_all, tmp_path,
                                                                          monkeypatch):
    """votes_secret is bench_votes.py --kind secret, collected from its own JSON beside the
    open votes' one."""
    monkeypatch.setattr(run_all, "discover", lambda: ["live", "votes"])
    commands = []

    def fake_run(command, **_kwargs):
        commands.append(command)
        (tmp_path / "votes_secret.json").write_text(json.dumps({
            "parameters": {"vote_kind": "secret"}, "figures": [
                {"figure": "cast_ack_p99_ms", "label": "cast → ack, p99", "unit": "ms",
                 "app": 30.0, "bare": 3.0}]}))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(run_all.subprocess, "run", fake_run)
    assert run_all.known() == ["live", "votes", "votes_secret"]
    assert run_all.main(["--quick", "--only", "votes_secret"]) == 0
    (command,) = commands
    assert Path(command[1]).name == "bench_votes.py"
    assert command[2:4] == ["--kind", "secret"] and "--tablets" in command
    bench = json.loads((tmp_path / "results.json").read_text())["benches"]["votes_secret"]
    assert bench["parameters"]["vote_kind"] == "secret"
    assert bench["figures"][0]["ratio"] == pytest.approx(10.0)
    assert "Secret voting" in (tmp_path / "RESULTS.md").read_text()
