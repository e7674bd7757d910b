"""Reminders as rows: claim the due ones, send them, record what happened (see dispatcher.py)."""
