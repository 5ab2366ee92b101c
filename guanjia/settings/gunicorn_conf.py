"""gunicorn's settings for Guanjia: `gunicorn --config python:guanjia.settings.gunicorn_conf --bind HOST:PORT`.

`guanjia demo` and `make serve` run exactly this; production runs it too, sizing `--workers` and `--threads`
to the machine and to PostgreSQL's `max_connections` (flags on the command line and in `GUNICORN_CMD_ARGS`
win over this file; README, Deployment on PostgreSQL).

The threads are a fixed pool (gthread): a worker answers at most `threads` requests at once and so holds at
most `threads` database connections, however many clients connect; idle keep-alive connections wait in the
worker's poller, not on a thread. A server that starts a thread per connection (Django's runserver) held a
database connection per open client connection instead, until PostgreSQL refused everyone.
"""

import os

# Each worker thread keeps its database connection for its next request: a new PostgreSQL connection cost
# 7-12 ms of every request (the server starts a backend, whose catalogue caches start cold), doubling
# 我的待办. Safe here, where the threads are a fixed pool; GUANJIA_DB_CONN_MAX_AGE set in the environment wins
# (0 closes each request's). Read by the workers' settings, which load after this file.
os.environ.setdefault("GUANJIA_DB_CONN_MAX_AGE", "60")

wsgi_app = "guanjia.wsgi:application"
worker_class = "gthread"
workers = 2
threads = 4
# Connections arriving faster than the workers accept them wait in the kernel's listen queue (capped by
# net.core.somaxconn) instead of being dropped: runserver's held 10, and a burst of 30 lost some.
backlog = 2048
# gunicorn's control socket (for `gunicornc`) has one default path per user: a second server would take it over.
control_socket_disable = True
