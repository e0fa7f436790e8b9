"""security: audit log of security events, disabled users, session idle time, recording duration

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'security_events',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('event', sa.String(length=40), nullable=False),
        sa.Column('actor', sa.String(length=320), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=True),
        sa.Column('target', sa.String(length=320), nullable=False),
        sa.Column('ip', sa.String(length=64), nullable=False),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_events_at'), ['at'], unique=False)
    # Plain ALTER TABLE ADD COLUMN, never a batch copy: with foreign keys on, dropping the old users or
    # meetings table would cascade-delete every session or every audit row.
    op.add_column('users', sa.Column('disabled', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Sessions from before the upgrade count as idle (they end once; SQLite needs a constant default here).
    op.add_column('sessions', sa.Column('last_seen', sa.DateTime(), nullable=False,
                                        server_default='1970-01-01 00:00:00'))
    op.add_column('meetings', sa.Column('duration_seconds', sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column('meetings', 'duration_seconds')  # SQLite >= 3.35 drops columns in place
    op.drop_column('sessions', 'last_seen')
    op.drop_column('users', 'disabled')
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_security_events_at'))
    op.drop_table('security_events')
