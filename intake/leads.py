"""Property leads reported by parties online, with attachments (services, reads, sections)."""
