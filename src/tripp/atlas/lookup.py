"""Find nodes by id, name or alternative name, case- and accent-insensitively."""

from __future__ import annotations

from collections import defaultdict

from tripp.atlas.model import Atlas, Node
from tripp.atlas.names import hint, name_key
from tripp.errors import InputError, Problem

#: How many typed names (not ids) :func:`find_node` keeps per atlas with what they matched.
FOUND_KEPT = 4096


def _index(atlas: Atlas) -> dict[str, list[Node]]:
    cache = atlas.__dict__.get("_name_index")
    if cache is None:
        cache = defaultdict(list)
        for node in atlas.nodes:
            keys = {name_key(node.node_id), name_key(node.name)}
            keys.update(name_key(alt) for alt in node.alt_names)
            for key in keys:
                cache[key].append(node)
        atlas.__dict__["_name_index"] = cache
    return cache


def find_node(atlas: Atlas, text: str, *, option: str = "node") -> Node:
    """The node whose id, name or alternative name is ``text``.

    Ids match exactly first; names match case- and accent-insensitively. Raises
    :class:`InputError` with "did you mean …?" when nothing matches, or the candidates
    when several nodes share the name.
    """
    if text in atlas.node_by_id:
        return atlas.node_by_id[text]
    found: dict[str, Node] = atlas.__dict__.setdefault("_found_by_text", {})
    if text in found:
        return found[text]
    matches = _index(atlas).get(name_key(text), [])
    if len(matches) == 1:
        if len(found) < FOUND_KEPT:  # the texts people type, up to a bound
            found[text] = matches[0]
        return matches[0]
    if matches:
        shown = ", ".join(f"'{n.node_id}' ({n.name}, {n.country})" for n in matches)
        raise InputError(
            Problem(option, f"'{text}' names several places: {shown}", "give the node id")
        )
    candidates = [n.node_id for n in atlas.nodes] + [n.name for n in atlas.nodes]
    raise InputError(Problem(option, f"unknown place '{text}'", hint(text, candidates)))
