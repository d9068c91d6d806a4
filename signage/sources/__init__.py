"""Where content comes from: a watched folder, a remote feed and its cache."""
