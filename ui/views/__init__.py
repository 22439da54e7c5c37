"""What each page draws, in order: one module (or package) per page; the pages call these with their state."""
