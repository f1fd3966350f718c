"""server-side login sessions, revocable API tokens, connections tied to them

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 06:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'auth_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('remote_addr', sa.String(length=64), nullable=False),
        sa.Column('user_agent', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key_hash'),
    )
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_session_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('live_connection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auth_session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('api_token_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_live_connection_auth_session_id'),
                              ['auth_session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_live_connection_api_token_id'),
                              ['api_token_id'], unique=False)
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempt_remote_addr'), ['remote_addr'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempt_remote_addr'))
    with op.batch_alter_table('live_connection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_connection_api_token_id'))
        batch_op.drop_index(batch_op.f('ix_live_connection_auth_session_id'))
        batch_op.drop_column('api_token_id')
        batch_op.drop_column('auth_session_id')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_session_user_id'))
    op.drop_table('auth_session')
