"""Writes of 代办: one module per concern (the catalogue here; handbooks and their items beside it)."""
