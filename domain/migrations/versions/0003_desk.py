"""desk: passwords, amount/unit columns, indexes for the statistics

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "desk_users",
        sa.Column("userid", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("userid"),
    )
    _amount_columns()
    # Statistics and lists filter by creation time (a period), often with a station.
    op.create_index("ix_tickets_created_at", "tickets", ["created_at"])
    op.create_index("ix_tickets_station_created_at", "tickets", ["station", "created_at"])


# The resolution's amount and unit as columns the database keeps in step with the JSON.
# PostgreSQL stores them (computed once per write); SQLite can only add virtual ones.
AMOUNT = {
    "postgresql": "CAST(resolution ->> 'amount' AS double precision)",
    "sqlite": "CAST(json_extract(resolution, '$.amount') AS REAL)",
}
UNIT = {
    "postgresql": "resolution ->> 'unit'",
    "sqlite": "json_extract(resolution, '$.unit')",
}


def _amount_columns() -> None:
    dialect = op.get_bind().dialect.name
    stored = dialect == "postgresql"
    op.add_column(
        "tickets",
        sa.Column("amount", sa.Float(), sa.Computed(AMOUNT[dialect], persisted=stored)),
    )
    op.add_column(
        "tickets",
        sa.Column("unit", sa.String(length=8), sa.Computed(UNIT[dialect], persisted=stored)),
    )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.drop_column("unit")
        batch_op.drop_column("amount")
    op.drop_index("ix_tickets_station_created_at", table_name="tickets")
    op.drop_index("ix_tickets_created_at", table_name="tickets")
    op.drop_table("desk_users")
