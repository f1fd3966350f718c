"""Services announce what changed; the realtime layer (Socket.IO) subscribes.

Services never import Socket.IO: they call `announce` after their commit, and
whatever sinks the app registered deliver it (tests can register their own).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Announcement:
    meeting_id: int
    name: str
    # A dict, or a function that builds it when the message is actually sent (for
    # coalesced events, most announcements are superseded before they go out).
    payload: dict | Callable[[], dict]
    # Who may receive it: "all" participants of the meeting, or "staff", "delegates".
    audience: str = "all"
    extra: dict = field(default_factory=dict)


Sink = Callable[[Announcement], None]
_sinks: list[Sink] = []


def subscribe(sink: Sink) -> None:
    if sink not in _sinks:
        _sinks.append(sink)


def unsubscribe(sink: Sink) -> None:
    if sink in _sinks:
        _sinks.remove(sink)


def announce(meeting_id: int, name: str, payload: dict | Callable[[], dict],
             audience: str = "all") -> None:
    message = Announcement(meeting_id, name, payload, audience)
    for sink in list(_sinks):
        sink(message)


REVOKED = "auth.revoked"  # never sent to a client as such: the realtime layer disconnects


def announce_revoked(user_id: int, *, session_ids=(), token_ids=(),
                     everything: bool = False) -> None:
    """Sessions or tokens of a user were revoked (or the user disabled): their sockets go."""
    announce(0, REVOKED, {"user_id": user_id, "session_ids": list(session_ids),
                          "token_ids": list(token_ids), "everything": everything},
             audience="none")
