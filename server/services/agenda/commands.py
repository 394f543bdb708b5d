"""The agenda area's commands (being moved here from the REST and socket modules)."""
