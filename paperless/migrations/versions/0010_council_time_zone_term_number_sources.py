"""council time zone, session number style and recipients; term number (khóa);
the Word/ODT source of converted document versions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 06:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('council') as batch:
        batch.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False,
                                   server_default='Asia/Ho_Chi_Minh'))
        batch.add_column(sa.Column('session_number_style', sa.String(length=10),
                                   nullable=False, server_default='words'))
        batch.add_column(sa.Column('recipients', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('term') as batch:
        batch.add_column(sa.Column('number', sa.Integer(), nullable=True))
    with op.batch_alter_table('document_version') as batch:
        batch.add_column(sa.Column('source_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('document_version') as batch:
        batch.drop_column('source_sha256')
    with op.batch_alter_table('term') as batch:
        batch.drop_column('number')
    with op.batch_alter_table('council') as batch:
        batch.drop_column('recipients')
        batch.drop_column('session_number_style')
        batch.drop_column('time_zone')
