"""Class: a live class. The teacher runs a room, every student predicts, the projector shows the class's answers."""

from ui.views.class_room import page

page.page()
