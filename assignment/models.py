"""Triage and assignment: models come with the triage work."""
