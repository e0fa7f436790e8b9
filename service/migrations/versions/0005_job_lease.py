"""jobs on several machines: when a job's current attempt started (fair turns between organisations),
which worker holds it and its last heartbeat (a job whose worker died is handed to another); how long
each pipeline stage took (for /metrics)

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy: see 0002).
    op.add_column('meetings', sa.Column('started', sa.DateTime(), nullable=True))
    op.add_column('meetings', sa.Column('heartbeat', sa.DateTime(), nullable=True))
    op.add_column('meetings', sa.Column('worker', sa.String(length=200), nullable=True))
    op.create_table(
        'stage_times',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('meeting_id', sa.String(length=32), nullable=False),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('stage_times')
    op.drop_column('meetings', 'worker')
    op.drop_column('meetings', 'heartbeat')
    op.drop_column('meetings', 'started')
