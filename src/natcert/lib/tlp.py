"""Traffic Light Protocol 2.0 labels and their order (FIRST, https://www.first.org/tlp/)."""

from __future__ import annotations

from enum import IntEnum


class TLP(IntEnum):
    """TLP 2.0 labels, ordered from least to most restrictive."""

    CLEAR = 0
    GREEN = 1
    AMBER = 2
    AMBER_STRICT = 3
    RED = 4

    @property
    def label(self) -> str:
        """The label as TLP 2.0 spells it, e.g. ``TLP:AMBER+STRICT``."""
        return "TLP:" + self.name.replace("_", "+")

    @classmethod
    def parse(cls, text: str) -> TLP:
        """Read ``TLP:AMBER+STRICT``, ``amber+strict``, ``AMBER`` or TLP 1.0's ``WHITE``.

        Raises ``ValueError`` for anything else.
        """
        word = text.strip().upper().removeprefix("TLP:").replace(" ", "")
        if word == "WHITE":
            return cls.CLEAR
        try:
            return cls[word.replace("+", "_")]
        except KeyError:
            raise ValueError(f"{text!r} is not a TLP 2.0 label") from None


TLP_LABELS = [t.label for t in TLP]
