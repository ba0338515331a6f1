#!/usr/bin/env python3
"""Kill -9 loop (issue 21): does the server lose an acknowledged write when it dies?

Usage: scripts/crashloop.py [--cycles N] [--writers K] [--postgres URL] [--binary PATH]

Loads the demo county into a fresh database (SQLite in a temporary directory, or the
PostgreSQL database named, which must be empty), makes an intake token, then for each cycle:
starts `xiezhi serve`, lets K clients register leads as fast as the server answers (each
with its own Idempotency-Key), kills the server with SIGKILL at a random moment, and
checks, with the server down, that every lead the server acknowledged (201 with a tracking
number) is in the database and that `xiezhi audit verify` finds the record sound. Prints
cycles, acknowledged writes, writes lost and chain failures; exits 1 on any loss or failure.
"""

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(binary, *args, env=None):
    out = subprocess.run([binary, *args], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {out.stdout}{out.stderr}")
    return out.stdout


def tracking_numbers(url):
    if url.startswith("sqlite://"):
        db = sqlite3.connect(url[len("sqlite://"):])
        rows = db.execute("SELECT tracking_number FROM leads").fetchall()
        db.close()
        return {r[0] for r in rows}
    out = subprocess.run(
        ["psql", url, "-At", "-c", "SELECT tracking_number FROM leads"],
        capture_output=True, text=True, check=True,
    )
    return set(out.stdout.split())


def main():
    cycles = int(arg("--cycles", "20"))
    writers = int(arg("--writers", "4"))
    binary = arg("--binary", "target/debug/xiezhi")
    tmp = tempfile.mkdtemp(prefix="xiezhi-crash-")
    url = arg("--postgres", f"sqlite://{tmp}/crash.db")
    env = dict(os.environ, XIEZHI_FILES=f"{tmp}/files")
    env.pop("XIEZHI_DATABASE_URL", None)
    run(binary, "demo", "--database", url, env=env)
    token = run(binary, "token", "create", "--scope", "intake", "--org", "YX-ZFB",
                "--database", url, env=env).strip().splitlines()[-1]
    acknowledged = []
    lock = threading.Lock()
    lost_total, chain_failures = 0, 0
    for cycle in range(1, cycles + 1):
        port = free_port()
        server = subprocess.Popen(
            [binary, "serve", "--database", url, "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except Exception:
                time.sleep(0.05)
        stop = threading.Event()

        def write():
            while not stop.is_set():
                body = json.dumps({
                    "channel": "hotline",
                    "text": f"崩溃测试线索 {uuid.uuid4()}",
                    "address": "云溪县城东街道",
                    "division_code": "339901001",
                }).encode()
                req = urllib.request.Request(base + "/api/v1/leads", data=body, method="POST")
                req.add_header("Authorization", f"Bearer {token}")
                req.add_header("Content-Type", "application/json")
                req.add_header("Idempotency-Key", str(uuid.uuid4()))
                try:
                    with urllib.request.urlopen(req, timeout=5) as r:
                        if r.status == 201:
                            n = json.load(r)["tracking_number"]
                            with lock:
                                acknowledged.append(n)
                except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                    time.sleep(0.01)

        threads = [threading.Thread(target=write) for _ in range(writers)]
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.5, 3.0))
        server.send_signal(signal.SIGKILL)
        server.wait()
        stop.set()
        for t in threads:
            t.join()
        present = tracking_numbers(url)
        with lock:
            lost = [n for n in acknowledged if n not in present]
        lost_total = len(lost)
        verify = subprocess.run([binary, "audit", "verify", "--database", url],
                                capture_output=True, text=True, env=env)
        if verify.returncode != 0:
            chain_failures += 1
        print(f"cycle {cycle}: {len(acknowledged)} acknowledged so far, {lost_total} lost, "
              f"chain {'sound' if verify.returncode == 0 else 'BROKEN'}", flush=True)
    print(json.dumps({"cycles": cycles, "acknowledged": len(acknowledged),
                      "lost": lost_total, "chain_failures": chain_failures}))
    sys.exit(1 if lost_total or chain_failures else 0)


if __name__ == "__main__":
    main()
