"""Integration tests: real processes, a real broker, a browser, loopback servers."""
