"""registry: project status (项目状态), approval, stop reason; units' kind and contact

- project.status (储备/计划/实施/完工/终止 by code; existing projects are 实施, as an
  import without the column), stop_reason, approved_by, approved_at;
- unit.kind (县直部门/乡镇) and unit.contact;
- milestone.baseline_on (基准计划) and plan_adjustment (计划调整: who, when, old, new,
  reason).

Revision ID: 0011_registry
Revises: 0010_reporting
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011_registry'
down_revision = '0010_reporting'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=False,
                                      server_default='implementing'))
        batch_op.add_column(sa.Column('stop_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('approved_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('contact', sa.String(length=100), nullable=True))
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('baseline_on', sa.Date(), nullable=True))
    op.create_table(
        'plan_adjustment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('milestone_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=80), nullable=False),
        sa.Column('old_on', sa.Date(), nullable=True),
        sa.Column('new_on', sa.Date(), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_plan_adjustment_milestone', 'plan_adjustment', ['milestone_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_plan_adjustment_milestone', table_name='plan_adjustment')
    op.drop_table('plan_adjustment')
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_column('baseline_on')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('contact')
        batch_op.drop_column('kind')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('approved_at')
        batch_op.drop_column('approved_by')
        batch_op.drop_column('stop_reason')
        batch_op.drop_column('status')
