"""退回: a collecting instance returns a region's month (its latest package) with a note

Revision ID: 0017_report_returns
Revises: 0016_year_close
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017_report_returns'
down_revision = '0016_year_close'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_return',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('package_id', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=100), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('returned_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('returned_by', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['package_id'], ['report_package.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('report_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_return_package_id'), ['package_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('report_return', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_return_package_id'))
    op.drop_table('report_return')
