"""Where content comes from and goes to: the watched folder, the feed client with its
manifest and object cache, and the feed server (``signage publish`` and ``serve``)."""
