"""reporting upward (上报): lower regions and received packages

Revision ID: 0010_reporting
Revises: 0009_attachments
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from fundtrack.money import Money  # Numeric(18, 2); whole fen on SQLite

# revision identifiers, used by Alembic.
revision = '0010_reporting'
down_revision = '0009_attachments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_region',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('report_package',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=4), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_by', sa.String(length=100), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('amount_issued', Money(), nullable=False),
    sa.Column('arrived', Money(), nullable=False),
    sa.Column('spent', Money(), nullable=False),
    sa.Column('recovered', Money(), nullable=False),
    sa.Column('projects', sa.Integer(), nullable=False),
    sa.Column('started', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('overdue_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('report_package', schema=None) as batch_op:
        batch_op.create_index('ix_report_package_month_region', ['month', 'region'],
                              unique=False)
        batch_op.create_index('ix_report_package_digest', ['digest'], unique=False)


def downgrade():
    with op.batch_alter_table('report_package', schema=None) as batch_op:
        batch_op.drop_index('ix_report_package_digest')
        batch_op.drop_index('ix_report_package_month_region')
    op.drop_table('report_package')
    op.drop_table('report_region')
