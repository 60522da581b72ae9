"""indexes: covering indexes for the ledger's sums (issue 6)

The reports sum money per project, per project and channel, and per channel, as of a
date. With the date and the amount in the index, both databases answer those sums from
the index alone (SQLite: SCAN ... USING COVERING INDEX; PostgreSQL: Index Only Scan),
without visiting the table's rows. Each new index replaces the narrower one it extends.

Revision ID: 0005_indexes
Revises: 0002
Create Date: 2026-11-23

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005_indexes'
down_revision = '0004_period_close'
branch_labels = None
depends_on = None

#: (old index, new index, table, new columns, old columns)
CHANGES = (
    ("ix_disbursement_project_source", "ix_disbursement_project_source_sum", "disbursement",
     ["project_id", "source_id", "paid_on", "amount"], ["project_id", "source_id"]),
    ("ix_disbursement_source_date", "ix_disbursement_source_sum", "disbursement",
     ["source_id", "paid_on", "amount"], ["source_id", "paid_on"]),
    ("ix_allocation_project_source", "ix_allocation_project_source_sum", "allocation",
     ["project_id", "source_id", "allocated_on", "amount"], ["project_id", "source_id"]),
    ("ix_allocation_source", "ix_allocation_source_sum", "allocation",
     ["source_id", "allocated_on", "amount"], ["source_id"]),
    ("ix_fund_arrival_source_date", "ix_fund_arrival_source_sum", "fund_arrival",
     ["source_id", "arrived_on", "amount"], ["source_id", "arrived_on"]),
)


def upgrade():
    for old, new, table, columns, _ in CHANGES:
        op.create_index(new, table, columns)
        op.drop_index(old, table_name=table)
    op.create_index("ix_milestone_project_dates", "milestone",
                    ["project_id", "kind", "planned_on", "done_on"])


def downgrade():
    op.drop_index("ix_milestone_project_dates", table_name="milestone")
    for old, new, table, _, columns in CHANGES:
        op.create_index(old, table, columns)
        op.drop_index(new, table_name=table)
