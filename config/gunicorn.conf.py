"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Pages are CPU-bound (template rendering), so sync workers, one or two per core: on a 2-core
machine 2-3 sync workers were measured faster than gthread. WEB_CONCURRENCY overrides.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
preload_app = True  # import Django once; workers share the memory pages
max_requests = 10000  # recycle workers now and then, so memory cannot creep
max_requests_jitter = 1000
timeout = 30
graceful_timeout = 20
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
