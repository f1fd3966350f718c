"""sealed secret ballots and their per-vote keys; manual counts confirmed by the chair;
the council's rule for a vote still open at bế mạc

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 06:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain-text ballots are not converted: a closed vote keeps its tally in vote.result,
    # and upgrading is done with no secret vote open (docs/deploy.md).
    with op.batch_alter_table('secret_ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_secret_ballot_vote_id'))
    op.drop_table('secret_ballot')
    op.create_table('secret_ballot',
                    sa.Column('id', sa.String(length=32), nullable=False),
                    sa.Column('vote_id', sa.Integer(), nullable=False),
                    sa.Column('sealed', sa.LargeBinary(), nullable=False),
                    sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], ),
                    sa.PrimaryKeyConstraint('id'),
                    sqlite_with_rowid=False)
    with op.batch_alter_table('secret_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secret_ballot_vote_id'), ['vote_id'], unique=False)
    op.create_table('secret_ballot_key',
                    sa.Column('vote_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('wrapped', sa.LargeBinary(), nullable=False),
                    sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], ),
                    sa.PrimaryKeyConstraint('vote_id'))
    with op.batch_alter_table('manual_count', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ballots_issued', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=False,
                                      server_default='confirmed'))
        batch_op.add_column(sa.Column('decided_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_manual_count_decided_by_user_account', 'user_account',
                                    ['decided_by'], ['id'])
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_vote_at_close', sa.String(length=20),
                                      server_default='refuse', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.drop_column('open_vote_at_close')
    with op.batch_alter_table('manual_count', schema=None) as batch_op:
        batch_op.drop_constraint('fk_manual_count_decided_by_user_account', type_='foreignkey')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by')
        batch_op.drop_column('status')
        batch_op.drop_column('ballots_issued')
    op.drop_table('secret_ballot_key')
    with op.batch_alter_table('secret_ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_secret_ballot_vote_id'))
    op.drop_table('secret_ballot')
    op.create_table('secret_ballot',
                    sa.Column('id', sa.String(length=32), nullable=False),
                    sa.Column('vote_id', sa.Integer(), nullable=False),
                    sa.Column('content', sa.JSON(), nullable=False),
                    sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], ),
                    sa.PrimaryKeyConstraint('id'),
                    sqlite_with_rowid=False)
    with op.batch_alter_table('secret_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secret_ballot_vote_id'), ['vote_id'], unique=False)
