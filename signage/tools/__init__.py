"""Tools around the player: ``signage render`` previews, the legibility check, the benches,
the soak and the chaos soak."""
