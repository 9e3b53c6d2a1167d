"""Static choice sets of the constituency registry."""

from __future__ import annotations

from django.db import models


class CERTKind(models.TextChoices):
    """What a CERT is responsible for."""

    NATIONAL = "national", "National CERT"
    SECTORAL = "sectoral", "Sectoral CERT"
    PROVINCIAL = "provincial", "Provincial CERT"
    GOVERNMENT = "government", "Government CERT"


class ContactRole(models.TextChoices):
    """Why a contact is written to."""

    ABUSE = "abuse", "Abuse / notifications"
    SECURITY = "security", "Security team (CSIRT/SOC)"
    TECHNICAL = "technical", "Technical"
    MANAGEMENT = "management", "Management"
    OTHER = "other", "Other"
