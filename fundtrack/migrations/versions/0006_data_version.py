"""data version: one row whose token every writing transaction replaces (issue 6)

The figures of the ledger screens are kept in each process until the data changes
(fundtrack/cache); this row tells every process when it has.

Revision ID: 0006_data_version
Revises: 0005_indexes
Create Date: 2026-11-23

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006_data_version'
down_revision = '0005_indexes'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'data_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(table, [{'id': 1, 'token': 'initial'}])


def downgrade():
    op.drop_table('data_version')
