"""The demo congress seeded on first start."""
