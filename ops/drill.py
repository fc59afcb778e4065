"""Shared parts of the drills in ops/ (crash-drill, db-faults, load): the real `karte` process,
plain HTTP, databases of either backend and a throwaway PostgreSQL cluster. Python 3 stdlib
only. See docs/reliability.md for what each drill proves and its last figures."""

import http.client
import json
import os
import pathlib
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOKEN = "ops-drill-token-" + "".join(random.choice("0123456789abcdef") for _ in range(40))
PG_BASE = os.environ.get("KARTE_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def karte_binary(arg=None):
    """The `karte` binary: --bin, else $CARGO_TARGET_DIR (or target/) release, then debug."""
    if arg:
        return str(pathlib.Path(arg).resolve())
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    for profile in ("release", "debug"):
        p = target / profile / "karte"
        if p.exists():
            return str(p)
    raise SystemExit("no karte binary: cargo build --release -p server --bin karte (or --bin PATH)")


class Database:
    """A fresh database: SQLite in a directory of its own, or a new PostgreSQL database."""

    def __init__(self, backend, data_dir=None, pg_base=PG_BASE):
        self.backend = backend
        self.dir = pathlib.Path(data_dir or tempfile.mkdtemp(prefix="karte-drill-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.pg_base = pg_base
        self.url = None
        if backend == "postgres":
            self.name = "karte_drill_%016x" % random.getrandbits(64)
            self.psql(f"CREATE DATABASE {self.name}", admin=True)
            self.url = pg_base.rsplit("/", 1)[0] + "/" + self.name

    def env(self):
        e = {"KARTE_DATA_DIR": str(self.dir)}
        if self.url:
            e["KARTE_DATABASE_URL"] = self.url
        return e

    def psql(self, sql, admin=False):
        url = self.pg_base if admin else self.url
        r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip())
        return [line.split("|") for line in r.stdout.splitlines() if line]

    def query(self, sql):
        """Rows of a query, as lists of strings (SQLite: a fresh connection each time)."""
        if self.backend == "postgres":
            return self.psql(sql)
        con = sqlite3.connect(self.dir / "karte.sqlite3", timeout=30)
        try:
            return [[str(v) for v in row] for row in con.execute(sql).fetchall()]
        finally:
            con.close()

    def integrity(self):
        if self.backend == "postgres":
            return "ok"
        return self.query("PRAGMA integrity_check")[0][0]

    def drop(self):
        if self.backend == "postgres":
            try:
                self.psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)", admin=True)
            except RuntimeError as e:
                log("could not drop", self.name, e)
        shutil.rmtree(self.dir, ignore_errors=True)


class Karte:
    """`karte serve` as a child process on a free port of 127.0.0.1."""

    def __init__(self, binary, db, env=None, today="2026-03-01", log_to=None):
        e = dict(os.environ)
        e.pop("KARTE_DATABASE_URL", None)
        e.update({
            "KARTE_LOG": "warn",
            "KARTE_TODAY": today,
            "KARTE_DEV_LOGIN": "1",
            "KARTE_IMPORT_CLIENTS": f"ops-drill={TOKEN}",
            "KARTE_RATE_IMPORT_PER_MINUTE": "1000000",
            "KARTE_RATE_AUTH_PER_MINUTE": "1000000",
            "KARTE_RATE_EXPORT_PER_MINUTE": "1000000",
            "KARTE_SITE_ROOT": str(ROOT / "dist"),
        })
        e.update(db.env())
        e.update(env or {})
        self.env = e
        self.binary = binary
        err = open(log_to, "ab") if log_to else subprocess.DEVNULL
        self.proc = subprocess.Popen([binary, "serve", "--addr", "127.0.0.1:0"], env=e,
                                     stdout=subprocess.PIPE, stderr=err)
        line = self.proc.stdout.readline().decode()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"karte serve did not start: {line!r}")
        self.port = int(m.group(1))
        self.base = f"http://127.0.0.1:{self.port}"
        # With KARTE_METRICS_ADDR set (e.g. 127.0.0.1:0) the next line names /metrics.
        self.metrics_url = None
        if e.get("KARTE_METRICS_ADDR", "off").lower() != "off":
            m = re.search(r"metrics on (http://\S+)", self.proc.stdout.readline().decode())
            self.metrics_url = m.group(1) if m else None

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def term(self):
        self.proc.send_signal(signal.SIGTERM)

    def rss_kib(self):
        try:
            for line in open(f"/proc/{self.proc.pid}/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def stop(self):
        if self.proc.poll() is None:
            self.term()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.kill9()


def karte_cmd(binary, db, *args, env=None):
    e = dict(os.environ)
    e.pop("KARTE_DATABASE_URL", None)
    e.update({"KARTE_LOG": "warn", "KARTE_TODAY": "2026-03-01"})
    e.update(db.env())
    e.update(env or {})
    return subprocess.run([binary, *args], env=e, capture_output=True, text=True)


class Answer:
    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    def header(self, name):
        return self.headers.get(name.lower())


def request(base, method, path, body=None, headers=None, timeout=60):
    """One request on a new connection; an `Answer`, or raises OSError (refused, reset …)."""
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    t0 = time.monotonic()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, data,
                      time.monotonic() - t0)
    except http.client.HTTPException as e:
        raise OSError(str(e)) from e
    finally:
        conn.close()


def sign_in(base, person):
    a = request(base, "POST", "/auth/dev", body=urllib.parse.urlencode({"person": person}),
                headers={"Origin": base, "Content-Type": "application/x-www-form-urlencoded"})
    if a.status != 303:
        raise RuntimeError(f"dev sign-in as {person}: {a.status}")
    return a.header("set-cookie").split(";")[0]


def post_batch(base, body, timeout=120):
    return request(base, "POST", "/api/v1/import", body=body, timeout=timeout,
                   headers={"Authorization": f"Bearer {TOKEN}",
                            "Content-Type": "application/json"})


def example_batch():
    return json.loads((ROOT / "docs/examples/batch-example.json").read_text())


def drug_batch(batch_id, lines):
    """The example person's first drug line `lines` times (one claim per 20 lines)."""
    b = example_batch()
    b["batch_id"] = batch_id
    t = b["people"][0]["drugs"][0]
    drugs = []
    for i in range(lines):
        d = json.loads(json.dumps(t))
        d["claim"]["claim_id"] = f"{batch_id}-claim-{i // 20}"
        drugs.append(d)
    b["people"][0]["drugs"] = drugs
    return json.dumps(b).encode()


def add_hand_line(base, cookie, note, year=2025):
    """A deduction edit (a hand-added line noted `note`): True once acknowledged."""
    form = urllib.parse.urlencode({"op": "add", "for_name": "佐藤　健一", "payee": "ドリル整骨院",
                                   "category": "other", "amount": "1200", "note": note})
    a = request(base, "POST", f"/deduction/{year}/edit", body=form,
                headers={"Origin": base, "Cookie": cookie,
                         "Content-Type": "application/x-www-form-urlencoded"})
    return a.status == 303 and a.header("location") == f"/deduction?year={year}&ok=added", a


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    """A throwaway PostgreSQL cluster of our own (initdb in a temp dir, as the postgres user, on
    a free port), so stopping it disturbs nobody else's tests."""

    def __init__(self, settings="", standby_of=None):
        """A new cluster (initdb), or with `standby_of` a hot standby of that cluster
        (pg_basebackup -R: streaming replication from it). `settings`: extra `-c` options."""
        bins = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins:
            raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql")
        self.bin = bins[-1].parent
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="karte-pg-"))
        self.port = free_port()
        self.settings = settings
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        if standby_of is None:
            self._as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                               "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        else:
            self._as_postgres([str(self.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p",
                               str(standby_of.port), "-U", "postgres", "-D", str(self.data),
                               "-R", "-X", "stream", "-c", "fast"])
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.start()

    def promote(self):
        """A standby becomes a primary (`pg_ctl promote`, waits until it accepts writes)."""
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "promote"])

    def _as_postgres(self, cmd):
        r = subprocess.run(["runuser", "-u", "postgres", "--", *cmd], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{cmd[0]}: {r.stderr.strip()}")

    def start(self):
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-l",
                           str(self.dir / "log"), "-o",
                           f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                           f"-c fsync=on -c shared_buffers=32MB {self.settings}", "start"])

    def stop(self, mode="fast"):
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-m", mode,
                           "stop"])

    def remove(self):
        try:
            self.stop("immediate")
        except RuntimeError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


class Relay:
    """A TCP relay 127.0.0.1:port → upstream that can add a delay to every chunk, or be cut."""

    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.delay = 0.0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            try:
                s = socket.create_connection(("127.0.0.1", self.upstream))
            except OSError:
                c.close()
                continue
            self.conns += [c, s]
            threading.Thread(target=self._pipe, args=(c, s), daemon=True).start()
            threading.Thread(target=self._pipe, args=(s, c), daemon=True).start()

    def _pipe(self, a, b):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                if self.delay:
                    time.sleep(self.delay)
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.sock.close()
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass


def percentile(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(p / 100 * len(v) + 0.5)) - 1))
    return v[k]
