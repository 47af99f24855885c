"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Pages are CPU-bound (template rendering), so sync workers, one or two per core: on a 2-core
machine 2-3 sync workers were measured faster than gthread. WEB_CONCURRENCY overrides.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
preload_app = True  # import Django once; workers share the memory pages
# Recycle a worker now and then, so memory cannot creep; the jitter keeps workers from all
# restarting at once. Not every 10,000 requests: at benchmark rates (page-cache hits) that
# restarted each worker every 7-15 s, and a new worker starts cold (templates compiled again,
# new database connection). At 200,000 a worker lives minutes under load, days in normal use.
max_requests = 200_000
max_requests_jitter = 20_000
control_socket_disable = True  # gunicorn 27's control socket is one path per user: unused here
timeout = 30
graceful_timeout = 20
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
