from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "1")
