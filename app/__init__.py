"""The top room: the composition root (compose.py) every process uses, and the command line.

Nothing below imports this package; entry points (`python -m bot|workers`, `bot.wsgi`) call it.
"""
