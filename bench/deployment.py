"""The scale-out deployment the capacity model sizes, on this machine: ``n`` gevent server
processes sharing one PostgreSQL and one Redis behind one nginx (``Deployment``).

Every client is pinned to one process for all its requests, as sticky sessions pin a browser:
here by a ``node`` query argument (``?node=b``), since every simulated client shares the loopback
address and nginx's ``ip_hash`` would send them all to one process. Used by the calibration run
(``bench/calibration.py``, one process at the full load) and by the two-process check
(``bench/two_process.py``, half the load each), so both measure the same stack.
"""

import os
import string
import subprocess
import tempfile
import uuid

from tests.support.processes import Postgres, Redis, ServerProcess, free_port, stop_process, wait_for_port

NODE_NAMES = string.ascii_lowercase
NGINX_CONF = """# bench/deployment.py: one nginx before {n} Bridgecast process(es); ?node=b pins a client to b
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 19000;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 16000; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    map $arg_node $bridgecast_node {{ {routes}default node_a; }}
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
{upstreams}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://$bridgecast_node;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_read_timeout 3600s;
            proxy_send_timeout 3600s;
        }}
    }}
}}
"""


def nginx_conf(prefix, port, node_ports):
    """nginx's configuration for ``{name: port}`` (pure)."""
    routes = "".join(f"{name} node_{name}; " for name in list(node_ports)[1:])
    upstreams = "\n".join(
        f"    upstream node_{name} {{ server 127.0.0.1:{p}; keepalive 32; }}" for name, p in node_ports.items()
    )
    return NGINX_CONF.format(n=len(node_ports), prefix=prefix, port=port, routes=routes, upstreams=upstreams)


def _nginx(prefix, node_ports):
    port = free_port()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"):
        os.makedirs(os.path.join(prefix, sub), exist_ok=True)
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w", encoding="utf-8") as fh:
        fh.write(nginx_conf(prefix, port, node_ports))
    proc = subprocess.Popen(
        ["nginx", "-p", prefix + "/", "-c", conf, "-e", os.path.join(prefix, "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for_port(port, timeout=15)
    return proc, f"http://127.0.0.1:{port}"


def site_tokens(database_url, slug):
    """The active sites' tokens of an event, in id order."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT s.token FROM sites s JOIN events e ON e.id = s.event_id "
                "WHERE e.slug = %s AND s.is_active ORDER BY s.id",
                (slug,),
            )
        ]


def log_errors(text):
    """``{errors, pool_timeouts}`` of a server log (JSON lines; pure): a process whose pool ran dry
    (SQLAlchemy's ``QueuePool limit``) measured a storm, not its costs."""
    errors = pool = 0
    for line in text.splitlines():
        if '"level": "ERROR"' in line:
            errors += 1
            pool += "QueuePool limit" in line
    return {"errors": errors, "pool_timeouts": pool}


class Services:
    """``with Services() as s:`` one PostgreSQL (database ``bench``) and one Redis, for one
    deployment after another (the calibration, then the two-process check: the second starts on
    a migrated, seeded database)."""

    def __init__(self):
        self.pg = self.redis = self.database_url = None

    def __enter__(self):
        try:
            self.pg = Postgres().start()
            self.redis = Redis().start()
            self.database_url = self.pg.create_database("bench")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for service in (self.redis, self.pg):
            if service is not None:
                service.stop()
        self.redis = self.pg = None
        return False


class Deployment:
    """``with Deployment(2, env) as d:`` PostgreSQL, Redis (its own, or ``services``'),
    ``d.nodes`` (ServerProcess, gevent) named a, b, … and nginx at ``d.front``; ``d.url(name)``
    pins a client to one process."""

    def __init__(self, n, env=None, prefix="bench-deploy-", services=None):
        self.names = NODE_NAMES[:n]
        self.env = env or {}
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.shared = services
        self.services = self.nginx = None
        self.nodes, self.front, self.database_url = [], None, None

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        secret = "bench-deploy-" + uuid.uuid4().hex
        if self.shared is None:
            self.services = Services().__enter__()
        services = self.shared or self.services
        self.database_url = services.database_url
        for name in self.names:  # one after the other: the first migrates and seeds the demo
            node_env = {**self.env, "REDIS_URL": services.redis.url, "BRIDGECAST_SECRET_KEY": secret}
            os.makedirs(os.path.join(self.tmp, name), exist_ok=True)
            self.nodes.append(
                ServerProcess(
                    os.path.join(self.tmp, name), async_mode="gevent", env=node_env, database_url=self.database_url
                ).start(timeout=300)
            )
        self.nginx, self.front = _nginx(
            os.path.join(self.tmp, "nginx"), {name: n.port for name, n in zip(self.names, self.nodes)}
        )
        return self

    def url(self, name):
        return f"{self.front}/?node={name}"

    def errors(self):
        """Per node: ERROR lines in its log, and how many were the database pool running dry."""
        return {name: log_errors(node.log()) for name, node in zip(self.names, self.nodes)}

    @property
    def pids(self):
        return [n.proc.pid for n in self.nodes]

    def stop(self):
        if self.nginx is not None:
            stop_process(self.nginx)
            self.nginx = None
        for node in self.nodes:
            node.stop()
        self.nodes = []
        if self.services is not None:
            self.services.__exit__()
            self.services = None
