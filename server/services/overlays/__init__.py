"""Overlays: the native OBS text sources and the overlay theme."""
