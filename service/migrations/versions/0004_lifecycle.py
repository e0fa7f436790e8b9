"""lifecycle: stages of a protocol, reviewer users, signers with their signatures, omedelbar justering of an
item, comments, web-copy masks

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = "0003"
branch_labels = None
depends_on = None

MEETING_COLUMNS = ('document_sha256', 'signed_sha256', 'justered_on', 'anslag_up', 'anslag_down', 'storage_place')


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch copy (see 0002: a copy would cascade-delete sessions and audit rows).
    op.add_column('users', sa.Column('role', sa.String(length=20), nullable=False, server_default='sekreterare'))
    op.add_column('users', sa.Column('name', sa.String(length=200), nullable=True))
    op.add_column('meetings', sa.Column('stage', sa.String(length=20), nullable=False, server_default='utkast'))
    for name, length in zip(MEETING_COLUMNS, (64, 64, 10, 10, 10, 300)):
        op.add_column('meetings', sa.Column(name, sa.String(length=length), nullable=True))
    op.add_column('meetings', sa.Column('publication', sa.Text(), nullable=True))
    op.create_table(
        'signers',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('meeting_id', sa.String(length=32), nullable=False),
        sa.Column('item', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=320), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('signed_at', sa.DateTime(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_signers_meeting_id', 'signers', ['meeting_id'])
    op.create_table(
        'item_justeringar',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('meeting_id', sa.String(length=32), nullable=False),
        sa.Column('item', sa.Integer(), nullable=False),
        sa.Column('document_sha256', sa.String(length=64), nullable=False),
        sa.Column('signed_sha256', sa.String(length=64), nullable=True),
        sa.Column('justered_on', sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('meeting_id', 'item'),
    )
    op.create_index('ix_item_justeringar_meeting_id', 'item_justeringar', ['meeting_id'])
    op.create_table(
        'comments',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('meeting_id', sa.String(length=32), nullable=False),
        sa.Column('author', sa.String(length=320), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('item', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=100), nullable=False),
        sa.Column('quote', sa.Text(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('resolved_by', sa.String(length=320), nullable=True),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
        sa.Column('reply', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_comments_meeting_id', 'comments', ['meeting_id'])


def downgrade() -> None:
    op.drop_index('ix_comments_meeting_id', table_name='comments')
    op.drop_table('comments')
    op.drop_index('ix_item_justeringar_meeting_id', table_name='item_justeringar')
    op.drop_table('item_justeringar')
    op.drop_index('ix_signers_meeting_id', table_name='signers')
    op.drop_table('signers')
    for name in ('stage', *MEETING_COLUMNS, 'publication'):
        op.drop_column('meetings', name)
    op.drop_column('users', 'name')
    op.drop_column('users', 'role')
