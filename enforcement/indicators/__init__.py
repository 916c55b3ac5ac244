"""Supervision by numbers: the indicators, their nightly figures and the registry other apps add to."""
