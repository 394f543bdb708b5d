"""The archive area: recording sessions and their chapter marks, chapter exports and muxing,
and the as-run log (what happened when, against the plan)."""
