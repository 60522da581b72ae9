"""accounts: real names, server-side sessions, named tokens that expire and are revoked

- app_user.name (姓名, optional) and app_user.password_changed_at;
- user_session: a signed-in browser session, deleted at sign-out (issue 14 item 8);
- api_token.name, expires_at (NOT NULL) and revoked_at. Tokens issued before this
  revision had no expiry: they get the name "升级前签发" and expire 90 days after the
  upgrade, so that scripts keep working while new tokens are issued.

Revision ID: 0008_accounts
Revises: 0007_milestone_overdue_index
Create Date: 2026-11-30

"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_accounts'
down_revision = '0007_milestone_overdue_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('password_changed_at', sa.DateTime(timezone=True),
                                      nullable=True))

    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key_hash'),
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
    token = sa.table('api_token', sa.column('name', sa.String),
                     sa.column('expires_at', sa.DateTime(timezone=True)))
    op.execute(token.update().values(
        name='升级前签发',
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=90)))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('name')
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
    # Not a batch: rebuilding app_user would break the foreign keys of the rows that
    # name its users (SQLite 3.35+ drops a column in place).
    op.drop_column('app_user', 'password_changed_at')
    op.drop_column('app_user', 'name')
