"""registry: performance targets (绩效目标), asset handovers (资产移交), baselines of
projects already in 实施

- performance_target: a project's indicators (产出/效益/满意度), target, actual, met, why not
- asset_handover: a settled project's assets: class, value, owner, maintainer, date, document
- milestone.baseline_on: a milestone of a project in 实施 that has a planned date and no
  baseline yet (imported, or made before the registry) takes that date as its baseline

Revision ID: 0018_targets_assets
Revises: 0017_report_returns
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from fundtrack.money import Money

# revision identifiers, used by Alembic.
revision = '0018_targets_assets'
down_revision = '0017_report_returns'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'performance_target',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('measure', sa.String(length=20), nullable=True),
        sa.Column('target', sa.String(length=50), nullable=False),
        sa.Column('actual', sa.String(length=50), nullable=True),
        sa.Column('met', sa.Boolean(), nullable=True),
        sa.Column('gap_reason', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_performance_target_project', 'performance_target', ['project_id'],
                    unique=False)
    op.create_table(
        'asset_handover',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('asset_class', sa.String(length=20), nullable=False),
        sa.Column('value', Money(), nullable=False),
        sa.Column('owner', sa.String(length=100), nullable=False),
        sa.Column('maintainer', sa.String(length=100), nullable=False),
        sa.Column('caretaker', sa.String(length=100), nullable=True),
        sa.Column('handed_over_on', sa.Date(), nullable=False),
        sa.Column('document_no', sa.String(length=100), nullable=True),
        sa.CheckConstraint('value >= 0', name='ck_asset_handover_value_nonneg'),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_asset_handover_project', 'asset_handover',
                    ['project_id', 'handed_over_on'], unique=False)
    # 基准计划 for the projects already in 实施 without one: their plan in force now
    op.execute(
        "UPDATE milestone SET baseline_on = planned_on "
        "WHERE baseline_on IS NULL AND planned_on IS NOT NULL AND project_id IN "
        "(SELECT id FROM project WHERE status = 'implementing')")


def downgrade():
    op.drop_index('ix_asset_handover_project', table_name='asset_handover')
    op.drop_table('asset_handover')
    op.drop_index('ix_performance_target_project', table_name='performance_target')
    op.drop_table('performance_target')
