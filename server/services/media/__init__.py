"""Media work off the request path: decoding and rendering uploaded PDFs and images (slide decks,
the overlay logo) in a separate worker process with limits on pixels, pages, memory and time.

``render`` holds the functions that run inside the worker (no Flask, no database); ``worker``
owns the process and turns a refusal, a crash or a timeout into a translated 422."""
