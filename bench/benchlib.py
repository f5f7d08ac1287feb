"""Shared by the scripts in bench/: free ports, installing and starting the servers, running `fanout bench`,
holding idle connections, and writing results into docs/performance.md."""
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "fanout-cli", "target", "fanout.jar")
# The targets that are fanout's own server: `fanout bench --target` loads it in raw mode ("fanout") or in control
# mode ("fanout-control": topic, epoch and sequence in every message, history on at its defaults).
FANOUT_TARGETS = ("fanout", "fanout-control")
# fanout's server with history on disk (`--data-dir` in a fresh temporary directory), one target per `--fsync`
# value, loaded in control mode as fanout-control is: that one, with history in memory, is their baseline.
DISK_TARGETS = {"fanout-disk-interval": "interval", "fanout-disk-always": "always", "fanout-disk-os": "os"}
# fanout clusters on one redis-server started for them (`fanout serve --redis`), by how many nodes: each loaded in
# control mode, its subscribers spread over the nodes and its publisher on the first (see Cluster).
CLUSTER_TARGETS = {"cluster-1": 1, "cluster-2": 2, "cluster-3": 3}
# The peers with durable storage, for acknowledged publishes: Redis appending to its AOF with `appendfsync always`,
# NATS with JetStream (file storage); each in a fresh temporary directory, loaded as `fanout bench` loads redis and
# nats.
DURABLE_PEERS = {"redis-aof-always": "redis", "nats-js": "nats"}
# fanout's server with TLS on (`--tls-cert`, a pair `fanout cert` makes in a fresh temporary directory), by its TLS
# engine: OpenSSL (netty-tcnative's BoringSSL, the default where it loads) or the JDK's, which Netty falls back to
# (forced here with -Dio.netty.handler.ssl.noOpenSsl=true). For bench/idle only: `fanout bench` speaks no TLS.
TLS_TARGETS = {"fanout-tls": "openssl", "fanout-tls-jdk": "jdk"}


def bench_target(name):
    """The `fanout bench --target` that loads the server start(name) starts."""
    if name in DISK_TARGETS or name in CLUSTER_TARGETS:
        return "fanout-control"
    return DURABLE_PEERS.get(name, name)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"bench: nothing listens on 127.0.0.1:{port} after {timeout} s")


def ensure_installed():
    missing = [p for p, cmd in (("nats-server", "nats-server"), ("redis-server", "redis-server"))
               if shutil.which(cmd) is None]
    if missing:
        print(f"bench: installing {' '.join(missing)} from Debian's packages", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True)


def version(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    return (out.stdout or out.stderr).strip().splitlines()[0]


def server_env():
    """The environment a server starts in: the caller's, less FANOUT_JAVA_OPTS, so fanout runs with the flags
    the script says and nothing the caller happens to have set."""
    return {k: v for k, v in os.environ.items() if k != "FANOUT_JAVA_OPTS"}


def launcher_serve_flags():
    """The JVM flags ./fanout gives `serve`, as the launcher itself prints them."""
    out = subprocess.run([os.path.join(ROOT, "fanout"), "--print-jvm-flags", "serve"], capture_output=True,
                         text=True, check=True, env=server_env())
    return out.stdout.split()


class Server:
    """A server start() started: name, port, the `fanout bench --target` that loads it, the data directory
    it owns (removed when it stops), if any, and for TLS_TARGETS the certificate clients check it with."""

    def __init__(self, name, command, port, data_dir=None, tls_ca=None):
        self.name, self.port, self.target, self.data_dir = name, port, bench_target(name), data_dir
        self.tls_ca = tls_ca
        script = os.path.basename(sys.argv[0])
        self.log = open(os.path.join("/tmp", f"{script}-{name}.log"), "w")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=server_env())
        wait_for_port(port)

    def bench_args(self):
        """What tells `fanout bench` where this server is, and its process for the CPU figures."""
        return ["--port", str(self.port), "--server-pid", str(self.process.pid)]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        if self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def data_dir_filesystem():
    """The file system type of the directory start() makes data directories in (tempfile's, /tmp here)."""
    out = subprocess.run(["df", "--output=fstype", tempfile.gettempdir()], capture_output=True, text=True)
    lines = out.stdout.split()
    return f"{lines[-1]} ({tempfile.gettempdir()})" if out.returncode == 0 and len(lines) > 1 else tempfile.gettempdir()


def fanout_server_jvm():
    """The java and the JVM flags with which start() runs fanout through ./fanout, in words."""
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
    return f"{version([java, '-version'])} with `{' '.join(launcher_serve_flags())}`"


class Cluster:
    """A fanout cluster on this machine: a redis-server on a free port, without persistence (`--save ''
    --appendonly no`: the figures are the cluster's cost, not Redis's disk's), and `nodes` fanout servers started
    as start() starts fanout, each with `--redis` on it. `fanout bench` spreads its subscribers over the nodes,
    round-robin, and publishes on the first; the CPU it reports is the nodes' and Redis's together, and each
    process's apart (the nodes' first, Redis's last)."""

    def __init__(self, name, nodes, java=None):
        self.name, self.target = name, bench_target(name)
        redis_port = free_port()
        self.redis = Server(f"{name}-redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                                              "--save", "", "--appendonly", "no"], redis_port)
        self.nodes = []
        try:
            for i in range(1, nodes + 1):
                port = free_port()
                self.nodes.append(Server(f"{name}-node{i}", fanout_command(port, java) + [
                    "--redis", f"redis://127.0.0.1:{redis_port}"], port))
        except BaseException:
            self.stop()
            raise
        self.port = self.nodes[0].port

    def bench_args(self):
        ports = ",".join(str(node.port) for node in self.nodes)
        pids = ",".join(str(server.process.pid) for server in [*self.nodes, self.redis])
        return ["--port", str(self.port), "--subscribe-to", ports, "--publish-to", str(self.port),
                "--server-pid", pids]

    def stop(self):
        for server in [*self.nodes, self.redis]:
            server.stop()


def fanout_command(port, java=None):
    """`fanout serve` on port, with the settings every fanout target has: through ./fanout with its default JVM
    flags or, given java (a command line up to and not including -jar), exactly as that says."""
    launch = [os.path.join(ROOT, "fanout")] if java is None else [*java, "-jar", JAR]
    return [*launch, "serve", "--host", "127.0.0.1", "--port", str(port), "--lines-port", "0", "--http-port", "0", "--no-console",
            "--max-clients", "19000", "--max-clients-per-address", "0", "--connect-rate", "0"]


def start(name, java=None):
    """Starts a server on a free loopback port; name is a `fanout bench --target`, or one of DISK_TARGETS or
    DURABLE_PEERS, which get a fresh data directory of their own. fanout (for FANOUT_TARGETS with the server's
    default settings; for DISK_TARGETS with --data-dir and that --fsync) starts through ./fanout with its default
    JVM flags, or, given java (a command line up to and not including -jar), exactly as that says. One of
    CLUSTER_TARGETS starts a Cluster of that many nodes instead."""
    if name in CLUSTER_TARGETS:
        return Cluster(name, CLUSTER_TARGETS[name], java)
    port = free_port()
    data_dir = None
    if name in DURABLE_PEERS or name in DISK_TARGETS or name in TLS_TARGETS:
        data_dir = tempfile.mkdtemp(prefix=f"{os.path.basename(sys.argv[0])}-{name}-")
    if name in TLS_TARGETS:
        subprocess.run(["java", "-jar", JAR, "cert", "--out", data_dir], check=True, stdout=subprocess.DEVNULL)
        if TLS_TARGETS[name] == "jdk":
            java = [*(java or ["java", *launcher_serve_flags()]), "-Dio.netty.handler.ssl.noOpenSsl=true"]
        cert = os.path.join(data_dir, "cert.pem")
        cmd = fanout_command(port, java) + ["--tls-cert", cert, "--tls-key", os.path.join(data_dir, "key.pem")]
        return Server(name, cmd, port, data_dir, tls_ca=cert)
    if name in FANOUT_TARGETS or name in DISK_TARGETS:
        cmd = fanout_command(port, java)
        if name in DISK_TARGETS:
            cmd += ["--data-dir", data_dir, "--fsync", DISK_TARGETS[name]]
    elif bench_target(name) == "nats":
        cmd = ["nats-server", "-a", "127.0.0.1", "-p", str(port)]
        if data_dir:
            cmd += ["-js", "-sd", data_dir]
    else:
        aof = ["yes", "--appendfsync", "always", "--dir", data_dir] if data_dir else ["no"]
        cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", *aof,
               "--client-output-buffer-limit", "pubsub 0 0 0", "--maxclients", "19000"]
    return Server(name, cmd, port, data_dir)


def bench(server, *args):
    """Runs `fanout bench` against server with args and returns its --json result."""
    cmd = ["java", "-jar", JAR, "bench", "--target", server.target, *server.bench_args(), "--json",
           *map(str, args)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        sys.exit(f"`fanout bench` failed against {server.name}: {out.stderr.strip()}")
    return json.loads(lines[-1])


def throughput(result):
    return result["deliveredPerSecond"]


def p99(result):
    return result["latencyMicros"]["p99"]


def latency_load(seconds):
    """The latency row: 10,000 msg/s to 100 subscribers, 128 bytes, timed after a 2 s warm-up."""
    return ["--subscribers", 100, "--size", 128, "--rate", 10000, "--duration", f"{seconds}s", "--warmup", "2s",
            "--threads", 2, "--quiet"]


def median_run(server, runs, *args, by=throughput, warm_up=True):
    """Runs the same bench runs times; returns the median run by the figure that `by` reads from a result
    (throughput unless said), and all of them. First, unless told not to, one run whose result is dropped:
    a server's first run of a new load shape pays for the state the previous shape left (JIT profiles, pooled
    memory, the kernel's TCP memory), and each cell should measure its own shape."""
    if warm_up:
        bench(server, *args)
    results = sorted((bench(server, *args) for _ in range(runs)), key=by)
    return results[len(results) // 2], results


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def settled_rss(pid, quiet_seconds=2.0, timeout=60):
    """RSS once it has not grown for quiet_seconds: the server has finished taking the connections in."""
    deadline = time.time() + timeout
    last, since = rss_bytes(pid), time.time()
    while time.time() < deadline:
        time.sleep(0.25)
        now = rss_bytes(pid)
        if now > last:
            last, since = now, time.time()
        elif time.time() - since >= quiet_seconds:
            return last
    return last


def subscribe_bytes(name):
    if name == "fanout-control":
        # Idle control clients would be PINGed after --ping-interval and closed for not answering.
        sys.exit("idle: fanout-control is not supported: idle connections there must answer the server's PINGs")
    if name == "nats":
        return b'CONNECT {"verbose":false,"pedantic":false}\r\nSUB idle 1\r\nPING\r\n', b"PONG"
    if name == "redis":
        return b"*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nidle\r\n", b"subscribe"
    return b"", b""


def open_idle(server, n):
    """Opens n subscribers that subscribe for real and then stay silent; returns their sockets. To a server with
    TLS each finishes its handshake first, checking the server's certificate as a client would."""
    hello, ack = subscribe_bytes(server.name)
    tls = None
    if server.tls_ca:
        tls = ssl.create_default_context(cafile=server.tls_ca)
    sockets = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        if tls:
            s = tls.wrap_socket(s, server_hostname="localhost")
        if hello:
            s.sendall(hello)
        sockets.append(s)
    for s in sockets:
        if ack:
            seen = b""
            while ack not in seen:
                chunk = s.recv(4096)
                if not chunk:
                    sys.exit(f"idle: {server.name} closed a connection while subscribing")
                seen += chunk
    return sockets


def write_section(doc_path, begin, end, block, heading):
    """Replaces what lies between the markers begin and end in doc_path with block; without the markers,
    appends a section with that heading."""
    with open(doc_path) as f:
        doc = f.read()
    marked = f"{begin}\n{block}{end}"
    if begin in doc:
        doc = doc[:doc.index(begin)] + marked + doc[doc.index(end) + len(end):]
    else:
        doc += f"\n## {heading}\n\n{marked}\n"
    with open(doc_path, "w") as f:
        f.write(doc)
