"""Infrastructure: database engines, Redis, blob storage, embedded servers, health, task dispatch.

Nothing here knows about listings or purchases; the domain packages build on it.
"""
