"""Agenda trees: build them from flat rows, number them, and reorder siblings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol


class AgendaRow(Protocol):
    id: int
    parent_id: int | None
    position: int


@dataclass
class Node:
    item: AgendaRow
    number: str
    children: list[Node] = field(default_factory=list)


def build_tree(rows: Iterable[AgendaRow]) -> list[Node]:
    """Nest rows under their parents, siblings by position, numbered "1", "1.2", …"""
    by_parent: dict[int | None, list[AgendaRow]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)

    def nodes(parent_id: int | None, prefix: str) -> list[Node]:
        siblings = sorted(by_parent.get(parent_id, []), key=lambda r: (r.position, r.id))
        out = []
        for index, row in enumerate(siblings, start=1):
            number = f"{prefix}{index}"
            out.append(Node(row, number, nodes(row.id, number + ".")))
        return out

    return nodes(None, "")


def flatten(tree: Sequence[Node], depth: int = 0) -> list[tuple[Node, int]]:
    out: list[tuple[Node, int]] = []
    for node in tree:
        out.append((node, depth))
        out.extend(flatten(node.children, depth + 1))
    return out


def reorder(sibling_ids: Sequence[int], new_order: Sequence[int]) -> dict[int, int]:
    """Positions for `new_order`, which must be a permutation of `sibling_ids`."""
    if sorted(sibling_ids) != sorted(new_order) or len(set(new_order)) != len(new_order):
        raise ValueError("new order must list exactly the same items")
    return {item_id: index for index, item_id in enumerate(new_order)}


def move(sibling_ids: Sequence[int], item_id: int, offset: int) -> list[int]:
    """Move one item up (-1) or down (+1) among its siblings; clamps at the ends."""
    ids = list(sibling_ids)
    i = ids.index(item_id)
    j = max(0, min(len(ids) - 1, i + offset))
    ids.insert(j, ids.pop(i))
    return ids


def is_descendant(parents: dict[int, int | None], item_id: int, candidate: int) -> bool:
    """True when `candidate` is `item_id` or lies below it: nesting there would make a cycle."""
    node: int | None = candidate
    while node is not None:
        if node == item_id:
            return True
        node = parents.get(node)
    return False


def is_closing(title: str) -> bool:
    """The closing item ("Bế mạc kỳ họp", "Bế mạc"): new items go before it."""
    return " ".join(title.split()).casefold().startswith("bế mạc")


def insertion_index(sibling_titles: Sequence[str], title: str, *, top_level: bool = True) -> int:
    """Where a new item goes among its siblings (given in order): at the end, except that the
    closing item ("Bế mạc") stays the last thing of the session, so a new top-level item lands
    just before the first closing item. A new closing item itself goes at the end."""
    if top_level and not is_closing(title):
        for index, sibling in enumerate(sibling_titles):
            if is_closing(sibling):
                return index
    return len(sibling_titles)
