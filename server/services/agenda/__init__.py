"""Agenda: items, their import/export, the live pointer, timers and OBS cues."""
