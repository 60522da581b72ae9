"""import_mapping: saved mappings of a county's own ledger layout (导入映射)

Revision ID: 0015_import_mappings
Revises: 0014_contracts
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_import_mappings'
down_revision = '0014_contracts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'import_mapping',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('sheet', sa.String(length=100), nullable=True),
        sa.Column('layout', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )


def downgrade():
    op.drop_table('import_mapping')
