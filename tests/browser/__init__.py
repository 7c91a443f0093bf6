"""Checks of the learner's environment: the built site (static) and a real browser."""
