"""The event schema as data: field catalogue (``fields.yaml``), RSIT taxonomy, validation."""
