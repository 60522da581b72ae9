"""One word per thing (DOMAIN.md): the completion milestone is 完工 on every screen, its
count 已完工 and its rate 完工率 as in CONTRACT.md's 汇总; 竣工 appears nowhere."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.dashboard.county import AS_OF, build_county

PAGES = [
    f"/?as_of={AS_OF}",
    f"/charts/?as_of={AS_OF}",
    f"/report/monthly?as_of={AS_OF}",
    f"/ledger/summary?as_of={AS_OF}",
    "/projects/XM001/notice?kind=completed",
    "/settings/",
]


@pytest.mark.parametrize("path", PAGES)
def test_completion_is_called_wangong_everywhere(app, client, users, path):
    build_county(app)
    login(client, users["admin"])
    r = client.get(path)
    assert r.status_code == 200, path
    html = r.get_data(as_text=True)
    assert "竣工" not in html
    if path.startswith(("/?", "/charts", "/report")):
        assert "完工率" in html
