"""Telegram assistant reminding people seeking asylum in France of their legal deadlines."""
