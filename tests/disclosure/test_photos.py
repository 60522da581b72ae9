"""公示照片 on a project's public page: shown without signing in, only that kind (and only
images, not superseded), served only while their bytes match their SHA-256."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from fundtrack.database import unit_of_work
from fundtrack.extensions import db
from fundtrack.history.models import Change
from tests.attachments.samples import JPEG, PDF, PNG, attach
from tests.disclosure.county import county_fixture  # noqa: F401  (the `county` fixture)

IMG = re.compile(r'<img src="(/public/projects/XM001/photos/\d+)"')


def _photos(app):
    with app.app_context(), unit_of_work("测试"):
        before = attach("project:XM001", "公示照片", JPEG, "施工前 李四维.jpg")
        after = attach("project:XM001", "公示照片", PNG, "施工后.png")
        old = attach("project:XM001", "公示照片", JPEG + b"old", "旧.jpg")
        attach("project:XM001", "公示照片", JPEG + b"new", "新.jpg", supersedes=old.id)
        contract = attach("project:XM001", "合同", PDF, "合同.pdf")
        pdf_photo = attach("project:XM001", "公示照片", PDF, "照片说明.pdf")
        other = attach("project:XM002", "公示照片", JPEG, "别的项目.jpg")
        return {"before": before.id, "after": after.id, "old": old.id,
                "contract": contract.id, "pdf": pdf_photo.id, "other": other.id,
                "sha": before.sha256}


def test_the_public_page_shows_the_projects_photos_and_nothing_else(app, client, county):
    ids = _photos(app)
    html = client.get("/public/projects/XM001").get_data(as_text=True)
    assert "公示照片" in html
    shown = IMG.findall(html)
    assert len(shown) == 3  # before, after and the replacement; not the superseded one
    assert f"/photos/{ids['before']}" in shown[0] and f"/photos/{ids['after']}" in shown[1]
    # neither the names as uploaded nor who uploaded them
    assert "李四维" not in html and "施工前" not in html and "测试员" not in html
    r = client.get(shown[0])
    assert r.status_code == 200 and r.data == JPEG and r.mimetype == "image/jpeg"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in r.headers.get("Content-Disposition", "")
    r.close()
    assert "公示照片" not in client.get("/public/projects/XM003").get_data(as_text=True)


def test_no_other_document_is_served_on_the_public_page(app, client, county):
    ids = _photos(app)
    for name in ("contract", "pdf", "old", "other"):
        r = client.get(f"/public/projects/XM001/photos/{ids[name]}")
        assert r.status_code == 404, name
        r.close()
    r = client.get(f"/public/projects/XM002/photos/{ids['other']}")
    r.close()
    assert r.status_code == 200
    assert client.get("/public/projects/XM999/photos/1").status_code == 404


def test_a_photo_changed_on_disk_is_not_shown_and_is_noted(app, client, county):
    ids = _photos(app)
    path = Path(app.config["FUNDTRACK_FILES"]) / ids["sha"][:2] / ids["sha"]
    path.write_bytes(JPEG + b"retouched")
    r = client.get(f"/public/projects/XM001/photos/{ids['before']}")
    assert r.status_code == 409 and JPEG not in r.data
    with app.app_context():
        [line] = db.session.scalars(select(Change).where(Change.action == "mismatch")).all()
        assert line.entity_id == ids["before"] and line.actor == "公示页访客"
