"""Meeting lifecycle: draft → published → in progress → closed."""

TRANSITIONS = {
    "draft": {"published"},
    "published": {"draft", "in_progress"},
    "in_progress": {"closed"},
    "closed": set(),
}

# Delegates, officials, guests and the screen never see a draft.
VISIBLE_TO_PARTICIPANTS = frozenset({"published", "in_progress", "closed"})


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())


def agenda_editable(status: str) -> bool:
    return status in {"draft", "published"}
