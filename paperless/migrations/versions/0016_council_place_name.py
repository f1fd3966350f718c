"""council place name (the resolution's date line)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 15:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('council') as batch:
        batch.add_column(sa.Column('place_name', sa.String(length=100), nullable=False,
                                   server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('council') as batch:
        batch.drop_column('place_name')
