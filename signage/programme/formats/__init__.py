"""One module per schedule format; :mod:`signage.programme.load` detects which from the content."""
