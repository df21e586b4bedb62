"""Forgetting RQ queues after a test or a benchmark: the Redis server is shared."""

from rq import Queue


def forget_queue(queue: Queue) -> None:
    """Delete the queue, its jobs and its registries."""
    queue.delete(delete_jobs=True)
    for key in queue.connection.scan_iter(f"rq:*:{queue.name}"):
        queue.connection.delete(key)


def forget_queues(connection, prefix: str) -> None:
    """Forget every queue whose name starts with `prefix`, with the jobs waiting in its
    registries to be tried again or looked at."""
    for key in connection.smembers(Queue.redis_queues_keys):
        name = key.decode().removeprefix(Queue.redis_queue_namespace_prefix)
        if name.startswith(prefix):
            queue = Queue(name, connection=connection)
            for registry in (queue.scheduled_job_registry, queue.failed_job_registry):
                for job_id in registry.get_job_ids():
                    registry.remove(job_id, delete_job=True)
            forget_queue(queue)
