"""gunicorn server hooks for `make run` (`-c python:service.gunicorn_hooks`)."""

from service.process import set_parent_death_signal


def post_fork(server, worker):
    """A web worker stops with its master, even a SIGKILLed one: the port is free for the next."""
    set_parent_death_signal()
