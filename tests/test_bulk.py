"""Records built for a batched import (fundtrack.bulk.build) are the model's own, with
the constructor's refusal of an attribute the model does not have."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from fundtrack.bulk import add, build
from fundtrack.database import unit_of_work
from fundtrack.enums import MilestoneKind
from fundtrack.extensions import db
from fundtrack.importsession import import_session
from fundtrack.milestones.models import Milestone
from tests import factories as f


@pytest.mark.parametrize("batched", [True, False])
def test_a_built_record_is_written_with_its_values(ctx, batched):
    with unit_of_work("项目股"):
        project = f.project("XM001")
    with unit_of_work("导入员"), import_session(batched=batched):
        milestone = build(Milestone, project_id=project.id, project=project,
                          kind=MilestoneKind.STARTED)
        milestone.planned_on = dt.date(2024, 3, 15)
        add(milestone)
    db.session.rollback()
    stored = db.session.scalars(select(Milestone)).one()
    assert (stored.project.code, stored.kind, stored.planned_on) == (
        "XM001", MilestoneKind.STARTED, dt.date(2024, 3, 15))


@pytest.mark.parametrize("batched", [True, False])
def test_an_attribute_the_model_lacks_is_refused(ctx, batched):
    with unit_of_work("导入员"), import_session(batched=batched):
        with pytest.raises(TypeError, match="planed_on"):
            build(Milestone, kind=MilestoneKind.STARTED, planed_on=dt.date(2024, 3, 15))
