"""Shared by bench/compare and bench/idle: free ports, installing and starting the servers side by side."""
import os
import shutil
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "fanout-cli", "target", "fanout.jar")


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
    sys.exit(f"compare: nothing listens on 127.0.0.1:{port} after {timeout} s")


def ensure_installed():
    missing = [p for p, cmd in (("nats-server", "nats-server"), ("redis-server", "redis-server"))
               if shutil.which(cmd) is None]
    if missing:
        print(f"compare: installing {' '.join(missing)} from Debian's packages", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True)


def version(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    return (out.stdout or out.stderr).strip().splitlines()[0]


class Server:
    def __init__(self, name, command, port):
        self.name, self.port = name, port
        self.log = open(os.path.join("/tmp", f"compare-{name}.log"), "w")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        wait_for_port(port)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def start(name):
    port = free_port()
    if name == "fanout":
        cmd = [os.path.join(ROOT, "fanout"), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--lines-port", "0", "--no-console", "--max-clients", "19000"]
    elif name == "nats":
        cmd = ["nats-server", "-a", "127.0.0.1", "-p", str(port)]
    else:
        cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--client-output-buffer-limit", "pubsub 0 0 0", "--maxclients", "19000"]
    return Server(name, cmd, port)


