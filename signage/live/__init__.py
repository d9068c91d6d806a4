"""Live data: sources fetched off the render thread, parsed once where they arrive, kept
on disk, and handed to the renderers finished (news feeds today; the programme fetcher
and the social, web and alert sources are meant to move onto it).

- :mod:`signage.live.model`: what a renderer receives (a :class:`Feed` of :class:`Item`).
- :mod:`signage.live.news`: RSS 2.0, RSS 1.0 and Atom, read by feedparser.
- :mod:`signage.live.hub`: the fetching thread (conditional requests, backoff, cache,
  the last good data kept, ``/status.sources``).

Standard library, requests and the parsers' libraries only: no Pillow, no pygame.
"""
