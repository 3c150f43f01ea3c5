"""The job rq's raw rate is measured with (bench/worker_rate.py): it does nothing."""


def noop() -> None:
    """Nothing: what is left is rq's own cost per job."""
