"""Choice sets shared by every app (static: never built from settings)."""

from __future__ import annotations

from django.db import models

from natcert.lib.tlp import TLP


class TLPChoices(models.IntegerChoices):
    """TLP 2.0 labels stored as their rank (0 = ``TLP:CLEAR`` … 4 = ``TLP:RED``).

    Storing the rank lets the access layer compare (``tlp__lte=TLP.AMBER``); the label is the
    display value. Source: FIRST TLP 2.0, https://www.first.org/tlp/
    """

    CLEAR = TLP.CLEAR.value, TLP.CLEAR.label
    GREEN = TLP.GREEN.value, TLP.GREEN.label
    AMBER = TLP.AMBER.value, TLP.AMBER.label
    AMBER_STRICT = TLP.AMBER_STRICT.value, TLP.AMBER_STRICT.label
    RED = TLP.RED.value, TLP.RED.label
