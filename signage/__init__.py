"""signage: a digital-signage display controller for conferences and venues."""

__version__ = "0.1.0"
