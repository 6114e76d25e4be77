"""change_requests: index (requester_id, status) for the open-draft lookup every chatter message makes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_change_requests_requester_status', 'change_requests', ['requester_id', 'status'])


def downgrade() -> None:
    op.drop_index('ix_change_requests_requester_status', table_name='change_requests')
