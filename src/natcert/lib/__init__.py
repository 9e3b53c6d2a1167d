"""Pure helpers shared by the pipeline and the Django apps: IP/ASN/domain, TLP, UTC time."""
