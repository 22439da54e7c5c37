"""Interview prep: predict, then run. Every classic Word2Vec question answered by a live experiment."""

from ui.views.interview import page

page.page()
