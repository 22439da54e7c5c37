"""The Class page: the teacher's projector (teacher.py), a student's screen (student.py), what both share (session.py)."""
