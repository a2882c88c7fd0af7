"""Production serving: /health, gunicorn with deploy/gunicorn.conf.py, a short load test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import create_app
from dashboard.server.config import Settings
from etl import db, load, sample

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import loadtest  # noqa: E402  (scripts/ is not a package)


@pytest.fixture(scope="module")
def tiny_sqlite(tmp_path_factory) -> str:
    """A SQLite warehouse loaded from the tiny sample."""
    root = tmp_path_factory.mktemp("serve")
    url = f"sqlite:///{root / 'warehouse.db'}"
    engine = db.make_engine(url)
    db.init_db(engine)
    os.environ.setdefault(load.ARCHIVE_ENV, str(root / "archive"))
    load.load_paths(engine, sample.write_sample(root / "in", scale="tiny"))
    engine.dispose()
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn(url: str, workers: int = 2) -> Iterator[str]:
    """`gunicorn --config deploy/gunicorn.conf.py app:server` on a free loopback port."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
    cmd = [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "app:server"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Poll /health until it answers 200 (or the server died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "gunicorn died")
        try:
            with urllib.request.urlopen(base + "/health", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("gunicorn did not become healthy")


def test_srv001_health_ok_reports_latest_load(tiny_sqlite):
    client = create_app(Settings(database_url=tiny_sqlite)).server.test_client()
    resp = client.get("/health")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok", "carga": 1}


def test_srv002_health_503_when_database_unreachable(tmp_path):
    dead = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    client = create_app(Settings(database_url=dead)).server.test_client()
    resp = client.get("/health")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["status"] == "degraded" and "unreachable" in body["message"]


def test_srv003_health_503_when_warehouse_has_no_tables(tmp_path):
    client = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'e.db'}")).server
    resp = client.test_client().get("/health")
    assert resp.status_code == 503


def test_srv004_gunicorn_config_reads_the_environment(monkeypatch):
    import runpy

    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert (conf["bind"], conf["workers"], conf["preload_app"]) == ("0.0.0.0:9000", 1, False)
    monkeypatch.delenv("HOST")
    monkeypatch.delenv("PORT")
    monkeypatch.delenv("WEB_CONCURRENCY")
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert conf["bind"] == "127.0.0.1:8050"
    assert conf["workers"] == 2 * os.cpu_count() + 1


def test_srv005_five_users_ten_seconds_under_gunicorn_zero_errors(tiny_sqlite):
    """The short load test: no timing assertions, only that nothing fails."""
    for base in gunicorn(tiny_sqlite):
        report = loadtest.run(base, users=5, duration=10, max_requests=2000, seed=3)
    assert report["errors"] == 0, report["error_samples"]
    assert {"overview", "department", "district", "jass", "filters"} <= set(report["pages"])


def test_srv006_the_serving_app_freezes_its_start_up_objects(tiny_sqlite):
    """`app.server` (what gunicorn serves) moves its start-up objects out of the collector's
    walks (dashboard.server.speed.settle_heap); `create_app` alone, as tests use it, does not."""
    code = (
        "import gc, app\n"
        "from dashboard import create_app\n"
        "from dashboard.server.config import Settings\n"
        "create_app(Settings()); before = gc.get_freeze_count()\n"
        "app.server; print(before, gc.get_freeze_count())\n"
    )
    env = {**os.environ, "DATABASE_URL": tiny_sqlite}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    before, after = map(int, out.stdout.split())
    assert before == 0 and after > 50_000
