"""Messages between a party and the responsible judge (services, reads, sections)."""
