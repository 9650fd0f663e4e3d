"""Indexes for ten years of history (issue 21)

Revision ID: 0008
Revises: 0007

At 100,000 incidents, opening an incident, the dashboard, the countdown and the audit page each scanned
a whole table for want of these: an incident's reports and log lines, a warning's approvals and measure
checks, an entity's audit entries, the audit page's filters (action, user, time) and the incident list by
time received.
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

INDEXES = [
    ('ix_incident_report_incident_id', 'incident_report', ['incident_id']),
    ('ix_incident_log_incident_id', 'incident_log', ['incident_id']),
    ('ix_warning_approval_warning_id', 'warning_approval', ['warning_id']),
    ('ix_warning_measure_check_warning_id', 'warning_measure_check', ['warning_id']),
    ('ix_audit_log_entity', 'audit_log', ['entity', 'entity_id']),
    ('ix_audit_log_action_at', 'audit_log', ['action', 'at']),
    ('ix_audit_log_username_at', 'audit_log', ['username', 'at']),
    ('ix_audit_log_at', 'audit_log', ['at']),
    ('ix_incident_received_at', 'incident', ['received_at']),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
        if op.get_bind().dialect.name == "sqlite":  # the planner's statistics for the new index only
            op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
