"""Appointments: judges publish slots, parties book and cancel them (services, reads, sections)."""
