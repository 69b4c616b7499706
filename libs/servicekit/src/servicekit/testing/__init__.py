"""Test support shared by every package: the pytest plugin and the helpers behind its fixtures.

Kept cheap to import: it is loaded by `-p servicekit.testing.plugin` in every test run.
"""
