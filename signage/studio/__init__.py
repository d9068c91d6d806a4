"""The studio: content from a phone, for the people of the event (photographers, editors,
stewards, admins), with the content folder's YAML kept as the truth."""
