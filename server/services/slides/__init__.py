"""Slide decks: PDF and photo decks rendered to images, and the slide on screen."""
