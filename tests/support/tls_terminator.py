"""A TLS terminator for the restream tests and bench: nginx's ``stream`` module (Debian's
``libnginx-mod-stream``, installed by ``.ci/run``) listening with a self-signed certificate and
forwarding the clear bytes to a local port. In front of a plain ``ffmpeg -listen 1`` RTMP
receiver it stands in for an RTMPS fan page (``rtmps://127.0.0.1:<port>/live``), as Facebook's
``rtmps://live-api-s.facebook.com:443/rtmp/`` is TLS in front of RTMP.

Owns the certificate (generated with ``cryptography``, valid one day, for 127.0.0.1), the
generated nginx configuration and the process. Nothing here knows about Bridgecast.
"""

import datetime
import ipaddress
import subprocess
import time
from pathlib import Path

from tests.support.processes import free_port
from tests.support.real_obs import is_listening

MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so"

CONFIG = """load_module {module};
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 64; }}
stream {{
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {dir}/cert.pem;
        ssl_certificate_key {dir}/key.pem;
        proxy_pass 127.0.0.1:{upstream};
    }}
}}
"""


def self_signed(directory):
    """Write ``cert.pem`` and ``key.pem`` for 127.0.0.1 into ``directory``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    directory = Path(directory)
    (directory / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
    )


class TlsTerminator:
    """``start()`` / ``stop()``; ``port`` takes TLS, ``upstream`` gets the clear stream."""

    def __init__(self, directory, upstream, port=None):
        self.dir = Path(directory)
        self.upstream = upstream
        self.port = port or free_port()
        self.proc = None

    def start(self, timeout=5.0):
        if not Path(MODULE).exists():
            raise RuntimeError(f"nginx stream module missing at {MODULE} (apt install libnginx-mod-stream)")
        self.dir.mkdir(parents=True, exist_ok=True)
        self_signed(self.dir)
        conf = self.dir / "nginx.conf"
        conf.write_text(CONFIG.format(module=MODULE, dir=self.dir, port=self.port, upstream=self.upstream))
        self._log = open(self.dir / "nginx.log", "ab")
        self.proc = subprocess.Popen(
            ["nginx", "-p", f"{self.dir}/", "-c", str(conf), "-e", "stderr"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        # read /proc rather than connect: a probe would make nginx open the upstream, and an
        # ``ffmpeg -listen 1`` receiver accepts one connection only
        while not is_listening(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("TLS terminator did not start: " + (self.dir / "nginx.log").read_text()[-500:])
            time.sleep(0.05)
        return self

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
        self._log.close()
