"""The player: one thread owns pygame and runs the loop; timelines, the compositor, the
preparer (drawing in worker processes), typed messages, display hours, proof of play and
the status snapshot."""
