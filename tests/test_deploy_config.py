"""docs/deploy/nginx.conf against the app: the body limits per kind of route are the app's
own (an upload route nginx did not know would be refused at 1 MB in production), and every
proxied location passes the client's address and scheme (nginx drops the server's
proxy_set_header lines in a location that sets one of its own)."""

from __future__ import annotations

import re
from pathlib import Path

from paperless.limits import FORM_OVERHEAD

CONF = Path(__file__).resolve().parent.parent / "docs" / "deploy" / "nginx.conf"
SIZE = re.compile(r"client_max_body_size (\d+)m;")


def _blocks() -> dict[str, str]:
    """Each `location … {…}` of the conf (no nested braces in it), by its pattern."""
    text = re.sub(r"#.*", "", CONF.read_text())
    return {m.group(1).strip(): m.group(2)
            for m in re.finditer(r"location\s+([^{]+?)\s*\{([^{}]*)\}", text)}


def _regex_location(body_limit: str) -> tuple[re.Pattern, int]:
    for pattern, body in _blocks().items():
        if pattern.startswith("~") and (size := SIZE.search(body)):
            regex = re.compile(pattern.removeprefix("~").strip().strip('"'))
            megabytes = int(size.group(1))
            if (body_limit == "MAX_VERIFY_BYTES") == ("verify" in regex.pattern):
                return regex, megabytes
    raise AssertionError(f"no location for {body_limit}")


def _sample(rule: str) -> str:
    return re.sub(r"<int:[^>]+>", "7", re.sub(r"<(?!int:)[^>]+>", "aB3", rule))


def test_each_upload_route_and_only_those_get_the_upload_limit(app):
    locations = {key: _regex_location(key) for key in ("MAX_DOCUMENT_BYTES", "MAX_VERIFY_BYTES")}
    limit_of = {}  # nginx cannot tell methods apart: a page's GET shares its upload's path
    for rule in app.url_map.iter_rules():
        key = getattr(app.view_functions[rule.endpoint], "body_limit", None)
        if key:
            limit_of[_sample(rule.rule)] = key
    assert len(limit_of) >= 10
    for rule in app.url_map.iter_rules():
        path = _sample(rule.rule)
        for kind, (regex, megabytes) in locations.items():
            if limit_of.get(path) == kind:
                assert regex.fullmatch(path), f"{rule.rule} needs nginx's {kind} location"
                assert megabytes * 1024 * 1024 >= app.config[kind] + FORM_OVERHEAD
            else:
                assert not regex.fullmatch(path), f"{rule.rule} must keep the small limit"


def test_everything_else_gets_the_small_limit(app):
    text = re.sub(r"#.*", "", CONF.read_text())
    server_level = SIZE.findall(re.sub(r"location\s+[^{]+\{[^{}]*\}", "", text))
    assert server_level == ["1"]
    assert app.config["MAX_BODY_BYTES"] <= 1024 * 1024


def test_every_proxied_location_passes_the_clients_address_and_scheme():
    proxied = {p: b for p, b in _blocks().items() if "proxy_pass" in b}
    assert len(proxied) >= 4
    for pattern, body in proxied.items():
        assert "include proxy_params;" in body, pattern
