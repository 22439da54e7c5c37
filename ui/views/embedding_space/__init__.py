"""The Embedding space page: the live state and its numbers (live.py), the picture's settings (controls.py), the picture (picture.py)."""
