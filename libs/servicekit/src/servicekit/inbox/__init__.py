"""The inbox: each event applied once, and each aggregate's versions applied in order."""

from servicekit.inbox.guard import Admission, Inbox, Outcome, ParkedEvent

__all__ = ["Admission", "Inbox", "Outcome", "ParkedEvent"]
