"""Process supervision for the embedded defaults (`make run`): Redis, web, worker."""
