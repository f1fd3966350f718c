"""`make test`'s last line: how many tests ran in all its pytest passes (from JUnit XML files).

Printed as "total: N passed, N failed, N skipped" so the count of every pass is in one place.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET


def counts(paths: list[str]) -> dict[str, int]:
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for path in paths:
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError):
            continue  # a pass that did not run (ruff failed first) has no file
        suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
        for suite in suites:
            for key in total:
                total[key] += int(suite.get(key, 0))
    return total


def main(paths: list[str]) -> int:
    c = counts(paths)
    failed = c["failures"] + c["errors"]
    passed = c["tests"] - failed - c["skipped"]
    print(f"\ntotal: {passed} passed, {failed} failed, {c['skipped']} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
