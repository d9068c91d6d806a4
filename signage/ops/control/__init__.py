"""The HTTP control API and the operator's page."""
