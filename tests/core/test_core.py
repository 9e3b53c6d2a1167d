"""core: TLP field, audit log."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from natcert.core.access import sees_everything
from natcert.core.audit import record_audit
from natcert.core.choices import TLPChoices
from natcert.core.fields import TLPField
from natcert.lib.tlp import TLP


def test_tlp_choices_use_tlp_2_labels() -> None:
    assert [label for _, label in TLPChoices.choices] == [
        "TLP:CLEAR",
        "TLP:GREEN",
        "TLP:AMBER",
        "TLP:AMBER+STRICT",
        "TLP:RED",
    ]
    assert TLPChoices.AMBER_STRICT == TLP.AMBER_STRICT


def test_tlp_field_reads_labels() -> None:
    field = TLPField()
    assert field.default == TLP.AMBER
    assert field.to_python("TLP:AMBER+STRICT") == 3
    assert field.to_python("white") == 0
    assert field.to_python(4) == 4
    assert field.get_prep_value("TLP:GREEN") == 1
    with pytest.raises(ValueError, match=r"not a TLP 2\.0 label"):
        field.to_python("TLP:PURPLE")
    _name, path, _args, kwargs = field.deconstruct()
    assert path == "natcert.core.fields.TLPField"
    assert "choices" not in kwargs


@pytest.mark.django_db
def test_record_audit() -> None:
    user = User.objects.create(username="analyst")
    entry = record_audit("core.test", actor=user, target=user, data={"n": 1})
    assert (entry.actor, entry.actor_label, entry.object_type, entry.object_id) == (
        user,
        "analyst",
        "auth.user",
        str(user.pk),
    )
    system = record_audit("core.bulk", actor=None, object_type="x.y")
    assert (system.actor, system.actor_label, system.object_id, system.data) == (None, "", "", {})
    assert "system core.bulk x.y:" in str(system)
    assert record_audit("core.anon", actor=AnonymousUser()).actor is None


@pytest.mark.django_db
def test_sees_everything() -> None:
    assert sees_everything(None)
    assert not sees_everything(AnonymousUser())
    assert sees_everything(User(username="s", is_staff=True))
    assert not sees_everything(User(username="p"))
    assert not sees_everything(User(username="i", is_superuser=True, is_active=False))
