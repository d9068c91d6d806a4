"""``python -m signage.soak [--chaos]``: the name scripts and the docs call; the soak itself
lives in :mod:`signage.tools.soak`."""

from signage.tools.soak import main

if __name__ == "__main__":
    raise SystemExit(main())
