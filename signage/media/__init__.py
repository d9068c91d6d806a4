"""Video files: probing them (PyAV) and decoding them in a worker process."""
