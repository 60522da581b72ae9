"""recoveries: money taken back from a channel (资金收回), counted by invariants 2 and 3

Revision ID: 0012_recoveries
Revises: 0011_registry
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from fundtrack.money import Money

# revision identifiers, used by Alembic.
revision = '0012_recoveries'
down_revision = '0011_registry'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'recovery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('recovered_on', sa.Date(), nullable=False),
        sa.Column('amount', Money(), nullable=False),
        sa.Column('destination', sa.String(length=20), nullable=False),
        sa.Column('document_no', sa.String(length=100), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.CheckConstraint('amount > 0', name='ck_recovery_amount_pos'),
        sa.ForeignKeyConstraint(['source_id'], ['fund_source.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('recovery', schema=None) as batch_op:
        batch_op.create_index('ix_recovery_source_sum', ['source_id', 'recovered_on', 'amount'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('recovery', schema=None) as batch_op:
        batch_op.drop_index('ix_recovery_source_sum')
    op.drop_table('recovery')
