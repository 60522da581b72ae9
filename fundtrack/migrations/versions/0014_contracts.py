"""contracts (合同) of a project: what its payments are checked against

Revision ID: 0014_contracts
Revises: 0013_treasury
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from fundtrack.money import Money, Rate

# revision identifiers, used by Alembic.
revision = '0014_contracts'
down_revision = '0013_treasury'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'contract',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_no', sa.String(length=50), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('contractor', sa.String(length=200), nullable=False),
        sa.Column('amount', Money(), nullable=False),
        sa.Column('signed_on', sa.Date(), nullable=True),
        sa.Column('tender_method', sa.String(length=20), nullable=True),
        sa.Column('retention_rate', Rate(), nullable=True),
        sa.Column('retention_due_on', sa.Date(), nullable=True),
        sa.CheckConstraint('amount > 0', name='ck_contract_amount_pos'),
        sa.CheckConstraint('retention_rate >= 0 AND retention_rate <= 10000',
                           name='ck_contract_retention_rate'),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('contract_no'),
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index('ix_contract_project', ['project_id', 'signed_on', 'amount'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_project')
    op.drop_table('contract')
