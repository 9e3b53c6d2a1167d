"""Model fields shared by every app."""

from __future__ import annotations

from typing import Any

from django.db import models

from natcert.core.choices import TLPChoices
from natcert.lib.tlp import TLP


class TLPField(models.PositiveSmallIntegerField):
    """A TLP 2.0 label stored as its rank (see :class:`TLPChoices`); default ``TLP:AMBER``.

    Assigning a :class:`natcert.lib.tlp.TLP` member or a label string (``"TLP:GREEN"``, ``"green"``)
    stores its rank; ``ValueError`` for an unknown label.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("choices", TLPChoices.choices)
        kwargs.setdefault("default", TLPChoices.AMBER)
        kwargs.setdefault("verbose_name", "TLP")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        if kwargs.get("verbose_name") == "TLP":
            kwargs.pop("verbose_name")
        return name, path, args, kwargs

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not value.strip().isdigit():
            return int(TLP.parse(value))
        return super().to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, str) and not value.strip().isdigit():
            value = TLP.parse(value)
        return super().get_prep_value(value)
