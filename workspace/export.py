"""The Users management list as CSV, streamed without holding it in memory.

Times are written in the workspace's time zone, which the header names.
"""

import csv
import io

from django.utils import timezone

from workspace.mail import workspace_zone
from workspace.selectors import member_export


def _csv_cell(value) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _csv_lines(rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in rows:
        writer.writerow([_csv_cell(value) for value in values])
    return buffer.getvalue()


def _local(moment, zone) -> str:
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def member_csv(*, workspace, status=None, search="", rows_per_chunk=1000):
    """The filtered members as CSV text, a chunk of rows at a time."""
    zone = workspace_zone(workspace)
    yield _csv_lines(
        [
            [
                "Name",
                "Email",
                "Role",
                f"Joined ({workspace.time_zone})",
                f"Last sign-in ({workspace.time_zone})",
                "Two-step verification",
                f"Active since or deadline ({workspace.time_zone})",
            ]
        ]
    )
    chunk = []
    for row in member_export(workspace=workspace, status=status, search=search):
        chunk.append(
            [
                row.name,
                row.email,
                row.role,
                _local(row.joined_at, zone),
                _local(row.last_login, zone),
                row.status.label,
                _local(row.moment, zone),
            ]
        )
        if len(chunk) == rows_per_chunk:
            yield _csv_lines(chunk)
            chunk = []
    if chunk:
        yield _csv_lines(chunk)
