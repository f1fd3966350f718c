"""documents the secretariat withdrew (rút tài liệu): when, by whom, why

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 15:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('document') as batch:
        batch.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('withdrawn_by', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('withdrawn_reason', sa.String(length=500), nullable=False,
                                   server_default=''))
        batch.create_foreign_key('fk_document_withdrawn_by_user_account', 'user_account',
                                 ['withdrawn_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('document') as batch:
        batch.drop_constraint('fk_document_withdrawn_by_user_account', type_='foreignkey')
        batch.drop_column('withdrawn_reason')
        batch.drop_column('withdrawn_by')
        batch.drop_column('withdrawn_at')
