"""oversight: commitments, supervision, petitions, receptions

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-02 06:01:04.076231
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('responsible_body',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('council_id', 'name')
    )
    with op.batch_alter_table('responsible_body', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_responsible_body_council_id'), ['council_id'], unique=False)

    op.create_table('body_member',
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['responsible_body.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('body_id', 'user_id')
    )
    op.create_table('citizen_reception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('receiver', sa.String(length=20), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('citizens', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], ),
    sa.ForeignKeyConstraint(['delegate_id'], ['delegate.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('citizen_reception', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_reception_council_id'), ['council_id'], unique=False)

    op.create_table('voter_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('voters_present', sa.Integer(), nullable=False),
    sa.Column('delegate_ids', sa.JSON(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], ),
    sa.ForeignKeyConstraint(['group_id'], ['delegate_group.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['meeting.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('voter_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voter_meeting_council_id'), ['council_id'], unique=False)

    op.create_table('citizen_petition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('reception_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('citizen_name', sa.String(length=120), nullable=False),
    sa.Column('citizen_address', sa.String(length=300), nullable=False),
    sa.Column('citizen_phone', sa.String(length=30), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('forwarded_on', sa.Date(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['body_id'], ['responsible_body.id'], ),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], ),
    sa.ForeignKeyConstraint(['reception_id'], ['citizen_reception.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('citizen_petition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_petition_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_petition_reception_id'), ['reception_id'], unique=False)

    op.create_table('voter_petition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('voter_meeting_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('field', sa.String(length=30), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('forwarded_on', sa.Date(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answer_sha', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['answered_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['body_id'], ['responsible_body.id'], ),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], ),
    sa.ForeignKeyConstraint(['voter_meeting_id'], ['voter_meeting.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('voter_petition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voter_petition_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voter_petition_voter_meeting_id'), ['voter_meeting_id'], unique=False)

    op.create_table('supervision_mission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('by', sa.String(length=20), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('supervised', sa.Text(), nullable=False),
    sa.Column('member_ids', sa.JSON(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('report_sha', sa.String(length=64), nullable=True),
    sa.Column('conclusion', sa.Text(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('petition_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['committee.id'], ),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], ),
    sa.ForeignKeyConstraint(['group_id'], ['delegate_group.id'], ),
    sa.ForeignKeyConstraint(['petition_id'], ['voter_petition.id'], ),
    sa.ForeignKeyConstraint(['previous_id'], ['supervision_mission.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('supervision_mission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_mission_council_id'), ['council_id'], unique=False)

    op.create_table('commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('question_slip_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('mission_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('committed_by', sa.String(length=200), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('fulfilled_on', sa.Date(), nullable=True),
    sa.Column('evidence_sha', sa.String(length=64), nullable=True),
    sa.Column('followup_item_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['responsible_body.id'], ),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], ),
    sa.ForeignKeyConstraint(['followup_item_id'], ['agenda_item.id'], ),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['mission_id'], ['supervision_mission.id'], ),
    sa.ForeignKeyConstraint(['question_slip_id'], ['question_slip.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_council_id'), ['council_id'], unique=False)

    op.create_table('commitment_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('reported_by', sa.Integer(), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('completes', sa.Boolean(), nullable=False),
    sa.Column('evidence_sha', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], ),
    sa.ForeignKeyConstraint(['reported_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('commitment_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_report_commitment_id'), ['commitment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('commitment_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_report_commitment_id'))

    op.drop_table('commitment_report')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_council_id'))

    op.drop_table('commitment')
    with op.batch_alter_table('supervision_mission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_mission_council_id'))

    op.drop_table('supervision_mission')
    with op.batch_alter_table('voter_petition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voter_petition_voter_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_voter_petition_council_id'))

    op.drop_table('voter_petition')
    with op.batch_alter_table('citizen_petition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_petition_reception_id'))
        batch_op.drop_index(batch_op.f('ix_citizen_petition_council_id'))

    op.drop_table('citizen_petition')
    with op.batch_alter_table('voter_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voter_meeting_council_id'))

    op.drop_table('voter_meeting')
    with op.batch_alter_table('citizen_reception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_reception_council_id'))

    op.drop_table('citizen_reception')
    op.drop_table('body_member')
    with op.batch_alter_table('responsible_body', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_responsible_body_council_id'))

    op.drop_table('responsible_body')
