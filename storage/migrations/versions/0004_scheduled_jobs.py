"""scheduled jobs: job_runs (claims), project_job_settings, leaves, standup_entries, risks

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('job_runs',
    sa.Column('id', ID, nullable=False),
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('slot', sa.String(length=128), nullable=False),
    sa.Column('claimed_at', UTC, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    sa.UniqueConstraint('job', 'slot', name=op.f('uq_job_runs_job_slot'))
    )
    op.create_index('ix_job_runs_claimed_at', 'job_runs', ['claimed_at'], unique=False)

    op.create_table('project_job_settings',
    sa.Column('project_id', ID, nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_job_settings_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', name=op.f('pk_project_job_settings'))
    )

    op.create_table('leaves',
    sa.Column('id', ID, nullable=False),
    sa.Column('person_id', ID, nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_leaves_dates')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_leaves_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leaves'))
    )
    op.create_index('ix_leaves_person_end', 'leaves', ['person_id', 'end_date'], unique=False)

    op.create_table('standup_entries',
    sa.Column('id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('person_id', ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('asked_at', UTC, nullable=True),
    sa.Column('answered_at', UTC, nullable=True),
    sa.Column('yesterday', sa.Text(), nullable=True),
    sa.Column('today', sa.Text(), nullable=True),
    sa.Column('blockers', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_standup_entries_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_standup_entries_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standup_entries')),
    sa.UniqueConstraint('project_id', 'person_id', 'day', name=op.f('uq_standup_entries_project_id_person_id_day'))
    )
    op.create_index('ix_standup_entries_person_id', 'standup_entries', ['person_id'], unique=False)
    op.create_index('ix_standup_entries_project_day', 'standup_entries', ['project_id', 'day'], unique=False)

    op.create_table('risks',
    sa.Column('id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('raised_at', UTC, nullable=False),
    sa.Column('resolved_at', UTC, nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('thread_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_risks_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risks')),
    sa.UniqueConstraint('project_id', 'rule', 'entity', 'raised_on', name=op.f('uq_risks_project_id_rule_entity_raised_on'))
    )
    op.create_index('ix_risks_open', 'risks', ['project_id', 'resolved_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_risks_open', table_name='risks')
    op.drop_table('risks')
    op.drop_index('ix_standup_entries_project_day', table_name='standup_entries')
    op.drop_index('ix_standup_entries_person_id', table_name='standup_entries')
    op.drop_table('standup_entries')
    op.drop_index('ix_leaves_person_end', table_name='leaves')
    op.drop_table('leaves')
    op.drop_table('project_job_settings')
    op.drop_index('ix_job_runs_claimed_at', table_name='job_runs')
    op.drop_table('job_runs')
