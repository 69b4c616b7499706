"""Payload models, one module per producing service (registry, visa, notifications, reporting)."""
