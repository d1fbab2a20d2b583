#!/usr/bin/env python3
"""matplotlib's colours for test/viz-colormap.test.ts (run once, output committed: CI has no matplotlib).

Values: the ends, both sides of table-entry boundaries (k / 256) and seeded uniform values, with
matplotlib's 8-bit RGB for each under viridis and turbo, into test/fixtures/viz/colormaps.json.

    /usr/bin/python3 scripts/make-colormap-fixtures.py   # Debian's python3-matplotlib
"""
import json
import os

import matplotlib
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'viz', 'colormaps.json')

rng = np.random.default_rng(13)
boundaries = [k / 256 + d for k in (1, 64, 128, 255) for d in (-1e-4, 1e-4)]
values = np.array([0.0, 1.0, *boundaries, *rng.uniform(0, 1, 40)], dtype=np.float32).astype(np.float64)
fixture = {
    'matplotlib': matplotlib.__version__,
    'values': values.tolist(),
    'colours': {name: matplotlib.colormaps[name](values, bytes=True)[:, :3].tolist() for name in ('viridis', 'turbo')},
}
with open(OUT, 'w') as f:
    json.dump(fixture, f)
