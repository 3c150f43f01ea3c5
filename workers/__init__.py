"""rq jobs and the worker that runs them: tickets from messages, deliveries, timers."""
