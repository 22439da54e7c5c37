"""The Compare page: the corpus and the six models (six.py), the claims tested fairly (claims.py), and how their runs report progress (progress.py)."""
