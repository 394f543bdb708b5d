"""The standby OBS of an event: which OBS is on air, the one switch between them (by hand or by
the automatic rule when the primary is lost while live) and its commands. The backup's
connection lives in the OBS runtime (``server/services/obs/runtime.py``); the cut of the stream
the fan pages receive, in the restream program feed (``server/services/restream/program.py``).
"""
