"""The live class (the Class page): the store every app process shares (store.py) and the class's rules (rooms.py)."""
