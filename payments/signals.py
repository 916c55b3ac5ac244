"""Signals other apps listen to, so payments need not import them."""

from django.dispatch import Signal

# Sent inside the reversal's transaction, after the reversal is posted: ``entry`` (the entry undone),
# ``reversal`` (its opposite) and ``actor``. Custody unlinks money a deduction brought in, for example.
entry_reversed = Signal()
