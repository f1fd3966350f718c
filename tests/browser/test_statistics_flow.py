"""In Debian's Chromium: the statistics page of a council draws its charts (Chart.js from
npm) from the figures of a session run through the services; screenshot as artifact."""

import pytest
from sqlalchemy import select

from paperless import db
from paperless.models import Meeting
from tests import session_script as script
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

# Pixels a chart painted (anything not fully transparent) on one canvas.
PAINTED = """(id) => {
  const canvas = document.getElementById(id);
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
  return painted;
}"""


def _login(page, base, username, password="kyhopso"):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_statistics_page_renders_its_charts(live_server, browser):
    meeting = db.session.scalar(select(Meeting))
    script.demo_session(meeting)
    council_id, year = meeting.council_id, meeting.start_date.year
    db.session.remove()

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _login(page, live_server, "thuky")
    page.goto(f"{live_server}/councils/{council_id}/statistics?year={year}")
    page.wait_for_function("() => document.body.dataset.chartsReady === '4'")
    assert page.get_by_test_id("stat-meetings").inner_text() == "1"
    for canvas in ("chart-meetings", "chart-questions", "chart-attendance"):
        painted = page.evaluate(PAINTED, canvas)
        assert painted > 2000, (canvas, painted)
    # Chart.js keeps its instances: the attendance chart has one bar per delegate
    bars = page.evaluate("() => window.Chart.getChart('chart-attendance').data.labels.length")
    assert bars == 30
    assert not errors, errors  # no CSP violation, no script error
    page.screenshot(path=str(ARTIFACTS / "statistics.png"), full_page=True)
    # the delegate table says the same as the figures
    assert page.get_by_test_id("delegate-table").locator("tbody tr").count() == 30
    context.close()
