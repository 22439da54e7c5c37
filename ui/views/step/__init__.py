"""The Step page: the lesson around one update (lesson.py) and the update's parts, one section at a time (sections.py)."""
