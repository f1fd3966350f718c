"""A bounded schemathesis run against /api/v1/openapi.json: no server error, and every
response (status, content type, body) as the OpenAPI document describes it.

Each operation is tried with generated path ids (mostly unknown: 404s) and with the ids of
real demo objects (document, note, vote, slip…), in positive and negative modes. Hypothesis
is derandomized, so a CI run is repeatable. Bounded: a few examples per operation.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from tests.support import token_for
from tests.world import populate

# Examples per operation, mode and set of ids: about a minute and a half on 2 cores in all.
EXAMPLES = {"thuky": 20, "admin": 6}


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance,
            response_schema_conformance]


@pytest.mark.parametrize("username", ["thuky", "admin"])
def test_api_conforms_to_its_openapi_document(app, client, demo, username):
    """As the secretariat, and as the superuser (who passes every role check)."""
    from schemathesis.generation import GenerationMode

    ids = populate(client)
    headers = token_for(client, username)
    examples = EXAMPLES[username]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checks = _checks()
    failures: dict[tuple, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40

    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        pinned = {name: ids[name] for name in names if name in ids}
        variants = [(mode, None) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
        if pinned:
            variants += [(mode, pinned) for mode in (GenerationMode.POSITIVE,
                                                      GenerationMode.NEGATIVE)]
        for mode, path_parameters in variants:
            strategy = operation.as_strategy(generation_mode=mode,
                                             path_parameters=path_parameters)
            _explore(strategy, f"{operation.label} [{mode.value}"
                               f"{', real ids' if path_parameters else ''}]",
                     headers, checks, failures, examples)

    report = "\n\n".join(f"== {label}\n{text}" for (label, _), text in failures.items())
    assert not failures, f"{len(failures)} failures:\n{report}"


def _explore(strategy, label: str, headers: dict, checks: list, failures: dict,
             examples: int) -> None:
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=strategy)
    def run(case):
        try:
            case.call_and_validate(headers=headers, checks=checks)
        except BaseException as exc:  # schemathesis raises a FailureGroup (a BaseExceptionGroup)
            if isinstance(exc, KeyboardInterrupt):
                raise
            # One report per operation and kind of failure (the check's title line).
            title = next((line for line in str(exc).splitlines() if line.startswith("- ")),
                         type(exc).__name__)
            failures.setdefault((label, title), str(exc)[:2500])

    run()


def test_numbers_beyond_a_database_integer_are_refused_not_server_errors(app, client, demo):
    """What the schemathesis run found: huge ids overflowed SQLite inside the query (500)."""
    ids = populate(client)
    staff = token_for(client, "thuky")
    huge = "9" * 30
    for path in (f"/api/v1/meetings/{huge}", f"/api/v1/notes/{huge}",
                 f"/api/v1/question-slips/{huge}/written-answer"):
        response = client.get(path, headers=staff)
        assert response.status_code in (404, 405) and response.get_json()["error"]["code"]
    deleted = client.delete(f"/api/v1/notes/{huge}", headers=staff)
    assert deleted.status_code == 404, "a long id matches no route: 404, not 405"
    document = ids["document_id"]
    for version in (huge, "²", "-1", "1.5"):
        response = client.get(f"/api/v1/documents/{document}/file?version={version}",
                              headers=staff)
        assert response.status_code == 422, version
        assert response.get_json()["error"]["code"] == "validation_error"
    published = client.post(f"/api/v1/meetings/{ids['meeting_id']}/documents/publish",
                            headers=staff, json={"document_ids": [int(huge)]})
    assert published.status_code == 422
    listed = client.get(f"/api/v1/councils/{ids['council_id']}/delegates?term_id={huge}",
                        headers=staff)
    # a query is declared (spec.declare): an id no database holds is refused, not ignored
    assert listed.status_code == 422
    assert listed.get_json()["error"]["details"] == {"term_id": "range"}
    # the same on the pages
    from tests.support import login

    login(client, "thuky")
    for path in (f"/councils/{ids['council_id']}/delegates?term_id={huge}",
                 f"/documents/{document}/view?version={huge}&page={huge}",
                 f"/meetings/{ids['meeting_id']}/documents?item={huge}"):
        assert client.get(path).status_code == 200, path
    assert client.get(f"/meetings/{huge}").status_code == 404
