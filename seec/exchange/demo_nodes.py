"""`make nodes`: two demo nodes, Greece and Serbia, each a server, a task worker and an
exchange worker with a database of its own (SQLite under var/nodes/), trusting each other,
with a referral and a request for cooperation waiting in Serbia. Ctrl-C stops everything.

    python -m seec.exchange.demo_nodes --gr-port 8141 --rs-port 8142
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def node_env(code: str, port: int, cases: str) -> dict:
    var = ROOT / "var" / "nodes" / code
    var.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}"
    return {
        **os.environ,
        "SEEC_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'seec.sqlite3'}",
        "SEEC_NODE_ID": f"{code}-node",
        "SEEC_NODE_NAME": {"gr": "SEEC node: Greece", "rs": "SEEC node: Serbia"}[code],
        "SEEC_NODE_URL": url,
        "SEEC_PUBLIC_URL": url,
        "SEEC_NODE_COUNTRIES": code.upper(),
        "SEEC_DEMO_CASES": cases,
        "SEEC_EXCHANGE_RETRY_MAX_SECONDS": "10",
    }


def manage(env, *args, capture=False):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
        capture_output=capture, text=True,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gr-port", type=int, default=8141)
    parser.add_argument("--rs-port", type=int, default=8142)
    parser.add_argument("--cases", default=os.environ.get("SEEC_DEMO_CASES", "150"))
    options = parser.parse_args()
    nodes = {"gr": options.gr_port, "rs": options.rs_port}
    envs = {code: node_env(code, port, options.cases) for code, port in nodes.items()}
    processes = []

    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
    try:
        run(nodes, envs, processes)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def run(nodes: dict, envs: dict, processes: list) -> None:
    for code, env in envs.items():
        print(f"== {code.upper()} node: migrate and demo data")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo")
        manage(env, "exchange_demo_node", "--prepare")
    for code, env in envs.items():
        port = nodes[code]
        for args in (
            ["runserver", f"127.0.0.1:{port}", "--noreload"],
            ["db_worker", "--interval", "1"],
            ["exchange_deliver", "--threads", "2"],
        ):
            processes.append(subprocess.Popen([PYTHON, "manage.py", *args], cwd=ROOT, env=env))
    for port in nodes.values():
        for _ in range(120):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
    fingerprints = {}
    for code, env in envs.items():
        shown = manage(env, "exchange_node", "--show", capture=True).stdout
        fingerprints[code] = shown.split("fingerprint", 1)[1].strip()
    for code, env in envs.items():
        other = "rs" if code == "gr" else "gr"
        try:
            manage(env, "exchange_node", "--add-peer", f"http://127.0.0.1:{nodes[other]}",
                   "--fingerprint", fingerprints[other], "--as", "admin", capture=True)  # fmt: skip
        except subprocess.CalledProcessError as error:
            if "already known" not in (error.stderr or ""):
                raise
    manage(envs["gr"], "exchange_demo_node", "--waiting")
    print(
        f"""
  Greece: http://127.0.0.1:{nodes["gr"]}/   Serbia: http://127.0.0.1:{nodes["rs"]}/
  Sign in (password seec-demo): manager.gr / police.gr on Greece, manager.rs / police.rs on
  Serbia, admin on either (Nodes). Waiting in Serbia: a referral (manager.rs → Referrals) and
  a request for cooperation (police.rs → Referrals). Ctrl-C stops both nodes.
"""
    )
    while all(process.poll() is None for process in processes):
        time.sleep(1)
    print("a node's process ended; stopping", file=sys.stderr)


if __name__ == "__main__":
    main()
