"""Evaluation: extraction quality on the hand-labelled sets (`make eval`), the real set, and the
article-extraction benchmark."""
