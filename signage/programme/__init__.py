"""The conference programme: model, now/next queries, one module per source format."""
