"""An axis's two poles: cleaning them, naming them, and the preset they come from.

A pole is a few example phrases at one end of an axis (``"hey lol"`` ... vs
``"Dear Sir"`` ...); :mod:`explorer.space.axes` places phrases between them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import lru_cache

from explorer.config import AXES_MAX_POLE_PHRASES, LABEL_CHARS
from explorer.phrases import parse_phrases, shorten
from explorer.presets import AXES_PRESETS

#: A pole pair: (phrases of the first pole, phrases of the second pole).
PolePair = tuple[Sequence[str], Sequence[str]]
#: How messages name each axis's two ends.
POLE_ENDS = {"x": ("left", "right"), "y": ("bottom", "top")}


def _pole_key(pole: Sequence[str]) -> tuple[str, ...]:
    # Cleaned as the phrase box cleans: blanks skipped, duplicates merged.
    return tuple(parse_phrases("\n".join(pole), max_phrases=sys.maxsize).phrases)


@lru_cache(maxsize=1)
def _named_axes() -> dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, str]]:
    named = {}
    for preset in AXES_PRESETS.values():
        for names, (first, second) in ((preset.x_names, preset.x_poles),
                                       (preset.y_names, preset.y_poles)):  # fmt: skip
            named[(_pole_key(first), _pole_key(second))] = names
    return named


def preset_for(x_poles: PolePair, y_poles: PolePair) -> str | None:
    """The name of the preset whose poles these are (blank lines ignored), else ``None``.

    Example:
        >>> article = AXES_PRESETS["article"]
        >>> preset_for(article.x_poles, article.y_poles)
        'article'
        >>> preset_for((["cat"], ["dog"]), article.y_poles) is None
        True
    """
    wanted = tuple(tuple(_pole_key(p) for p in pair) for pair in (x_poles, y_poles))
    for name, preset in AXES_PRESETS.items():
        poles = (preset.x_poles, preset.y_poles)
        if wanted == tuple(tuple(_pole_key(p) for p in pair) for pair in poles):
            return name
    return None


def _pole_name(pole: tuple[str, ...]) -> str:
    more = f" (+{len(pole) - 1})" if len(pole) > 1 else ""
    return f"“{shorten(pole[0], LABEL_CHARS)}”{more}"


def pole_names(first: Sequence[str], second: Sequence[str]) -> tuple[str, str]:
    """Short names of an axis's two poles: a preset's names, else each pole's first phrase.

    Not escaped: figures escape them.

    Example:
        >>> pole_names(*AXES_PRESETS["time_price"].x_poles)
        ('past', 'future')
        >>> pole_names(["old", "ancient"], ["new"])
        ('“old” (+1)', '“new”')
    """
    key = (_pole_key(first), _pole_key(second))
    names = _named_axes().get(key)
    if names is not None:
        return names
    return _pole_name(key[0]), _pole_name(key[1])


def axis_title(first: Sequence[str], second: Sequence[str]) -> str:
    """Name an axis by its poles, from the first to the second.

    Example:
        >>> axis_title(*AXES_PRESETS["time_price"].x_poles)
        'past → future'
    """
    return " → ".join(pole_names(first, second))


def clean_poles(poles: PolePair, axis: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Check and clean an axis's pole pair as the phrase box cleans (blanks skipped,
    duplicates merged); ``axis`` (``"x"`` or ``"y"``) names it in messages.

    Example:
        >>> clean_poles((["hey", "hey", ""], "Dear Sir"), "x")
        (('hey',), ('Dear Sir',))
        >>> clean_poles((["hey"], ["hey"]), "y")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: “hey” is in both poles of the y axis; a phrase can be at one end only...
    """
    ends = POLE_ENDS[axis]
    if isinstance(poles, str) or not isinstance(poles, Sequence) or len(poles) != 2:
        raise ValueError(
            f"{axis}_poles must be a pair (first pole phrases, second pole phrases), "
            f"got {poles!r:.80}."
        )
    cleaned = []
    for end, pole in zip(ends, poles, strict=True):
        items = [pole] if isinstance(pole, str) else list(pole)
        if not all(isinstance(item, str) for item in items):
            raise ValueError(f"The {axis} axis's {end} pole must hold phrases (strings).")
        phrases = _pole_key(items) if items else ()
        if not phrases:
            raise ValueError(
                f"The {axis} axis's {end} pole is empty; give it at least one phrase or "
                "word, one per line."
            )
        if len(phrases) > AXES_MAX_POLE_PHRASES:
            raise ValueError(
                f"The {axis} axis's {end} pole has {len(phrases)} phrases; at most "
                f"{AXES_MAX_POLE_PHRASES} are allowed. Keep the few that best show that end."
            )
        cleaned.append(phrases)
    shared = [p for p in cleaned[0] if p in cleaned[1]]
    if shared:
        raise ValueError(
            f"“{shorten(shared[0], LABEL_CHARS)}” is in both poles of the {axis} axis; a "
            "phrase can be at one end only. Remove it from one pole."
        )
    return cleaned[0], cleaned[1]
