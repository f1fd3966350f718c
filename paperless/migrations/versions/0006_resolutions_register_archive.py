"""resolutions: register (gap-free numbers per council and year), signing record, archive

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'resolution',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('agenda_item_id', sa.Integer(), nullable=True),
        sa.Column('vote_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('number', sa.Integer(), nullable=True),
        sa.Column('number_text', sa.String(length=40), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=True),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('draft_sha256', sa.String(length=64), nullable=True),
        sa.Column('draft_source', sa.String(length=20), nullable=False),
        sa.Column('official_sha256', sa.String(length=64), nullable=True),
        sa.Column('chair_signed_sha256', sa.String(length=64), nullable=True),
        sa.Column('signed_sha256', sa.String(length=64), nullable=True),
        sa.Column('signatures', sa.JSON(), nullable=False),
        sa.Column('vote_result', sa.JSON(), nullable=True),
        sa.Column('pending_two_step', sa.JSON(), nullable=True),
        sa.Column('corrects_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('issued_by', sa.Integer(), nullable=True),
        sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['council_id'], ['council.id'],
                                name='fk_resolution_council_id'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'],
                                name='fk_resolution_meeting_id'),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'],
                                name='fk_resolution_agenda_item_id'),
        sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], name='fk_resolution_vote_id'),
        sa.ForeignKeyConstraint(['corrects_id'], ['resolution.id'],
                                name='fk_resolution_corrects_id'),
        sa.ForeignKeyConstraint(['issued_by'], ['user_account.id'],
                                name='fk_resolution_issued_by'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('council_id', 'year', 'number', name='uq_resolution_number'),
        sa.UniqueConstraint('public_id', name='uq_resolution_public_id'),
        sa.UniqueConstraint('vote_id', name='uq_resolution_vote_id'),
    )
    with op.batch_alter_table('resolution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolution_council_id'), ['council_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_resolution_meeting_id'), ['meeting_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_resolution_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_resolution_signed_sha256'), ['signed_sha256'],
                              unique=False)

    op.create_table(
        'resolution_counter',
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('last_number', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['council_id'], ['council.id'],
                                name='fk_resolution_counter_council_id'),
        sa.PrimaryKeyConstraint('council_id', 'year'),
    )


def downgrade() -> None:
    op.drop_table('resolution_counter')
    with op.batch_alter_table('resolution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resolution_signed_sha256'))
        batch_op.drop_index(batch_op.f('ix_resolution_state'))
        batch_op.drop_index(batch_op.f('ix_resolution_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_resolution_council_id'))
    op.drop_table('resolution')
