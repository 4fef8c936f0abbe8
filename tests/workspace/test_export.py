from datetime import UTC, datetime

from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from workspace.export import member_csv

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_member_csv_many_rows_come_in_chunks(transactional_db):
    workspace = WorkspaceFactory(time_zone="Pacific/Pago_Pago")
    MembershipFactory.create_batch(5, workspace=workspace, joined_at=T0)

    chunks = list(member_csv(workspace=workspace, rows_per_chunk=2))

    assert len(chunks) == 4  # the header, then 2 + 2 + 1 rows
    assert chunks[0].startswith("Name,Email,Role,Joined (Pacific/Pago_Pago)")
    assert chunks[1].count("\r\n") == 2
    # 09:00 UTC is 22:00 the day before in Pago Pago.
    assert ",2026-03-01 22:00," in chunks[1]


def test_member_csv_formula_like_cells_are_quoted(transactional_db):
    workspace = WorkspaceFactory()
    MembershipFactory(
        workspace=workspace, user=UserFactory(name="@SUM(A1)", email="x@example.com")
    )

    text = "".join(member_csv(workspace=workspace))

    assert "'@SUM(A1),x@example.com,Member" in text
