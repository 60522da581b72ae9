"""treasury: a payment's 收款账号 and 预算科目 (optional), as the treasury's export lists them;
the explanations of reconciliation differences (对账差异说明)

Revision ID: 0013_treasury
Revises: 0012_recoveries
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_treasury'
down_revision = '0012_recoveries'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('disbursement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payee_account', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('budget_subject', sa.String(length=100), nullable=True))
    op.create_table(
        'treasury_explanation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('voucher_no', sa.String(length=50), nullable=False),
        sa.Column('ledger_voucher_no', sa.String(length=50), nullable=True),
        sa.Column('fields', sa.String(length=200), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade():
    op.drop_table('treasury_explanation')
    with op.batch_alter_table('disbursement', schema=None) as batch_op:
        batch_op.drop_column('budget_subject')
        batch_op.drop_column('payee_account')
