"""the year close: December's close (月结) also stores the 结转结余 and its digest

Revision ID: 0016_year_close
Revises: 0015_import_mappings
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016_year_close'
down_revision = '0015_import_mappings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('period_close', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carryover', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('carryover_digest', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('period_close', schema=None) as batch_op:
        batch_op.drop_column('carryover_digest')
        batch_op.drop_column('carryover')
