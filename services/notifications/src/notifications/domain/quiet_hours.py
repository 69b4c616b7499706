"""SMS quiet hours in the recipient's local time: a message due inside them waits for their end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class QuietHours:
    """Quiet from ``start`` until ``end`` local time; overnight when start is after end
    (21:00 to 08:00); none when they are equal."""

    start: time
    end: time

    def next_allowed(self, now: datetime, zone: ZoneInfo) -> datetime | None:
        """When an SMS due ``now`` may go; None when ``now`` is outside the quiet hours."""
        if self.start == self.end:
            return None
        local = now.astimezone(zone)
        moment = local.time().replace(tzinfo=None)
        if self.start < self.end:
            quiet = self.start <= moment < self.end
            end_day = local.date()
        elif moment >= self.start:
            quiet, end_day = True, local.date() + timedelta(days=1)
        else:
            quiet, end_day = moment < self.end, local.date()
        if not quiet:
            return None
        return datetime.combine(end_day, self.end, tzinfo=zone).astimezone(UTC)
