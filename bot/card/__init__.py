"""/card: a one-page card of a person's deadlines to show at the SPADA, to a lawyer or a volunteer
(bot/card/content.py says what is on it, bot/card/render.py draws it as PNG and PDF)."""
