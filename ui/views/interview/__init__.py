"""The Interview prep page: the whole page (page.py), one question (card.py), its evidence (reveal.py), the session's answers (answers.py)."""
