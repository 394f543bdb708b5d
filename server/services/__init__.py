"""Domain services: plain Python, no request objects. Each module owns one area."""
