"""What the content files say: schema, loading with file:line errors, frozen models."""
