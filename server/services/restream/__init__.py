"""Restreaming to fan pages: OBS streams once to a local nginx-rtmp ingest and Bridgecast
pushes that program to every enabled page with one supervised ffmpeg per destination.

Modules: ``destinations`` (CRUD, validation, the wire shape without keys), ``sealing``
(stream keys encrypted at rest), ``ingest`` (the nginx media server), ``pusher`` (one
supervised ffmpeg), ``relay`` (the per-app/per-event supervisor and broadcasts),
``commands`` (the declarations).
"""
