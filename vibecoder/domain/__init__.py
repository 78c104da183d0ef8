"""Domain logic, plain Python: one package per domain, no Reflex, no Celery workers."""
