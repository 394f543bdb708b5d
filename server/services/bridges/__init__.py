"""Bridge points (điểm cầu): sites, presence, incidents, roll call, messages, cards and imports."""
