"""rectification: findings (整改) and their notes

Revision ID: 0003_rectification
Revises: 0002
Create Date: 2026-11-23

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003_rectification'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('found_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.CheckConstraint('project_id IS NOT NULL OR unit_id IS NOT NULL',
                       name='ck_finding_project_or_unit'),
    sa.CheckConstraint('deadline >= found_on', name='ck_finding_deadline'),
    sa.CheckConstraint("(status = 'done') = (done_on IS NOT NULL)", name='ck_finding_done'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.create_index('ix_finding_status_deadline', ['status', 'deadline'], unique=False)
        batch_op.create_index('ix_finding_unit', ['unit_id'], unique=False)
        batch_op.create_index('ix_finding_project', ['project_id'], unique=False)

    op.create_table('finding_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('written_on', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('finding_note', schema=None) as batch_op:
        batch_op.create_index('ix_finding_note_finding_id', ['finding_id'], unique=False)


def downgrade():
    with op.batch_alter_table('finding_note', schema=None) as batch_op:
        batch_op.drop_index('ix_finding_note_finding_id')
    op.drop_table('finding_note')
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_index('ix_finding_project')
        batch_op.drop_index('ix_finding_unit')
        batch_op.drop_index('ix_finding_status_deadline')
    op.drop_table('finding')
