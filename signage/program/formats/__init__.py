"""One module per schedule format; :mod:`signage.program.load` detects which from the content."""
