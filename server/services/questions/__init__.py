"""Questions: submission from phones, moderation, search, exports and reports."""
