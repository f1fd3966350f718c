"""live timers and what leaves the screen: the result the chair moved past, notices that
expire, a speaker's paused clock

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 06:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('live_state') as batch:
        batch.add_column(sa.Column('dismissed_vote_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('notice') as batch:
        batch.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('speaker_request') as batch:
        batch.add_column(sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('paused_seconds', sa.Integer(), nullable=False,
                                   server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('speaker_request') as batch:
        batch.drop_column('paused_seconds')
        batch.drop_column('paused_at')
    with op.batch_alter_table('notice') as batch:
        batch.drop_column('expires_at')
    with op.batch_alter_table('live_state') as batch:
        batch.drop_column('dismissed_vote_id')
