"""The local sandbox: the real bot against localtg, with a Telegram-like page (app.py)."""
