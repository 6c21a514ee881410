"""The laptop path (deploy/compose.yaml): valid against the Compose specification's JSON
schema (vendored from compose-spec/compose-spec), the chart's images and settings, the
env names the binaries read, the official daprd in the API's network namespace with a
Redis pub/sub and the cron binding, and health checks. No container engine runs here,
so this is what can be checked without starting it.
"""

import copy
import json
import re

import jsonschema
import pytest
import yaml

from conftest import REPO, chart_values, server_default

COMPOSE = REPO / "deploy" / "compose.yaml"
SCHEMA = REPO / "deploy" / "compose-spec" / "compose-spec.json"


def compose():
    return yaml.safe_load(COMPOSE.read_text())


def validate(document):
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator(schema).validate(document)


def test_the_compose_file_validates_against_the_compose_specification():
    validate(compose())


@pytest.mark.parametrize("breakage", [
    lambda c: c["services"]["api"].update(restart_policy="always"),       # no such key
    lambda c: c["services"]["api"].update(ports="8080:8080"),             # not a list
    lambda c: c["services"]["daprd"]["depends_on"]["api"].update(condition="service_up"),
    lambda c: c["services"]["daprd"].update(network_mode=["service:api"]),   # not a string
    lambda c: c.update(servics=c.pop("services")),                         # misspelt
])
def test_the_schema_check_can_fail(breakage):
    document = copy.deepcopy(compose())
    breakage(document)
    with pytest.raises(jsonschema.ValidationError):
        validate(document)


def read_env_names():
    """Every variable the binaries read (their clap `env =`), and the ones the dapr crate
    reads for the sidecar's address and token."""
    names = set()
    for source in ("api/src/config.rs", "mcp-server/src/config.rs"):
        names |= set(re.findall(r'env\s*=\s*"([A-Z][A-Z0-9_]+)"', (REPO / source).read_text()))
    example = (REPO / "deploy/env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    return names, listed | names


def test_the_todo_services_set_only_variables_the_binaries_read():
    declared, known = read_env_names()
    services = compose()["services"]
    for name in ("migrate", "api", "mcp"):
        env = services[name]["environment"]
        unknown = set(env) - known
        assert not unknown, f"{name} sets {unknown}, which nothing reads"
    api = services["api"]["environment"]
    for required in ("DATABASE_URL", "TODO_JWT_SECRET", "TODO_LISTEN", "EVENT_BUS",
                     "DAPR_APP_LISTEN", "APP_API_TOKEN", "DAPR_PUBSUB_NAME"):
        assert required in declared and required in api, required
    assert api["EVENT_BUS"] == "dapr"
    assert services["mcp"]["environment"]["TODO_API_URL"] == f"http://api:{chart_values()['api']['port']}"


def test_the_images_are_the_charts():
    values = chart_values()
    app_version = yaml.safe_load((REPO / "helm/todo-app/Chart.yaml").read_text())["appVersion"]
    services = compose()["services"]
    for service, component, target in (("api", "api", "todo-api"), ("migrate", "api", "todo-api"),
                                       ("mcp", "mcp", "todo-mcp")):
        default = re.fullmatch(r"\$\{[A-Z_]+:-(.+)\}", services[service]["image"]).group(1)
        assert default == f"{values[component]['image']['repository']}:{app_version}"
        assert services[service]["build"]["target"] == target
        assert (COMPOSE.parent / services[service]["build"]["context"] / "Dockerfile").is_file()
    assert services["api"]["command"] == ["serve"] and services["migrate"]["command"] == ["migrate"]
    assert services["mcp"]["command"] == ["http"]


def flags(command):
    """--flag value pairs of daprd's command line."""
    args = command[1:]
    return dict(zip(args[0::2], args[1::2]))


def test_daprd_is_the_official_sidecar_in_the_apps_network_namespace():
    services = compose()["services"]
    daprd = services["daprd"]
    assert daprd["image"].startswith("daprio/daprd:")
    assert daprd["network_mode"] == "service:api"
    assert daprd["command"][0] == "./daprd"
    args = flags(daprd["command"])
    api = services["api"]["environment"]
    host, port = api["DAPR_APP_LISTEN"].rsplit(":", 1)
    assert host == "127.0.0.1" and args["--app-port"] == port
    assert args["--app-protocol"] == "grpc"
    assert args["--app-id"] == chart_values()["dapr"]["appId"]
    assert args["--dapr-grpc-port"] == api["DAPR_GRPC_PORT"]
    # The token the sidecar sends is the one the app checks.
    assert daprd["environment"]["APP_API_TOKEN"] == api["APP_API_TOKEN"]
    assert server_default("api/src/config.rs", "DAPR_APP_LISTEN") == api["DAPR_APP_LISTEN"]


def components():
    daprd = compose()["services"]["daprd"]
    path = flags(daprd["command"])["--resources-path"]
    found = {}
    for volume in daprd["volumes"]:
        source, target, *_ = volume.split(":")
        assert target.startswith(path + "/"), target
        file = (COMPOSE.parent / source).resolve()
        assert file.is_file(), source
        doc = yaml.safe_load(file.read_text())
        found[doc["metadata"]["name"]] = doc
    return found


def test_daprd_loads_a_redis_pubsub_and_the_cron_binding():
    found = components()
    api = compose()["services"]["api"]["environment"]
    pubsub = found[api["DAPR_PUBSUB_NAME"]]
    assert pubsub["spec"]["type"] == "pubsub.redis"
    meta = {m["name"]: m["value"] for m in pubsub["spec"]["metadata"]}
    host, port = meta["redisHost"].split(":")
    assert host in compose()["services"] and port == "6379"
    cron = found["reminder-cron"]
    assert cron["spec"]["type"] == "bindings.cron"
    assert {m["name"] for m in cron["spec"]["metadata"]} == {"schedule", "direction"}
    assert "Resiliency" in {doc["kind"] for doc in found.values()}


def test_every_long_running_service_is_health_checked():
    services = compose()["services"]
    healthy = {name for name, s in services.items() if "healthcheck" in s}
    assert {"postgres", "redis", "api-health", "mcp-health"} <= healthy
    # The distroless images are checked from the probes in their network namespace.
    probes = {s["network_mode"].removeprefix("service:"): s["healthcheck"]["test"]
              for name, s in services.items() if name.endswith("-health")}
    assert "/readyz" in " ".join(probes["api"]) and "/v1.0/healthz" in " ".join(probes["api"])
    assert "/healthz" in " ".join(probes["mcp"])
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            wanted = condition["condition"]
            if wanted == "service_healthy":
                assert dependency in healthy, f"{name} waits for {dependency}, which has no check"
    assert services["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_the_docs_give_the_commands_to_start_and_stop():
    runbook = (REPO / "docs/deployment.md").read_text()
    assert "docker compose -f deploy/compose.yaml up --build -d" in runbook
    assert "docker compose -f deploy/compose.yaml down -v" in runbook
    assert "http://localhost:8080/" in runbook
