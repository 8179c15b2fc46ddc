"""Extraction, pure: a `Document` in, an `Article` out (`build.build_article`): the page cleaned and
described, its sentences, names, places, quotes and dates. No database and no files."""
