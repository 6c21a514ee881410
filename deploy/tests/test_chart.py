"""Offline checks of the Helm chart: schema, lint, rendering, Kubernetes 1.32 schemas,
the Dapr and monitoring objects, and the properties that matter in production.

No cluster is needed: helm-python-sdk renders the templates in-process.
"""

import copy
import json

import kubernetes_validate
import promql_parser
import pytest
import yaml
from helm_python import _native
from helm_python.chart import Chart, lint

from conftest import CHART, REPO, chart_values, load_values, server_default

KUBE_VERSION = "1.32"
ENVIRONMENTS = ["default", "staging", "production"]
NAMESPACE = "todo"
RELEASE = "todo"

# Every optional part switched on, so that no template goes unrendered.
EVERYTHING = {
    "secrets": {
        "create": True,
        "existingSecret": "",
        "databaseUrl": "postgres://todo:pw@db:5432/todo",
        "jwtSecret": "x" * 32,
        "appApiToken": "t" * 24,
        "daprApiToken": "d" * 24,
        "vapidPrivateKey": "v" * 43,
        "smtpUrl": "smtps://todo:pw@mail.example.com:465",
    },
    "mcp": {"caCertSecret": "api-ca", "apiUrl": "https://todo.example.com"},
    "dapr": {
        "pubsub": {"type": "redis", "redis": {"passwordSecret": {"name": "redis", "key": "pw"}}},
        "tracing": {"enabled": True},
    },
    "tracing": {"otlpEndpoint": "http://otel-collector:4318"},
    "metrics": {
        "serviceMonitor": {"enabled": True},
        "prometheusRule": {"enabled": True},
        "dashboard": {"enabled": True},
    },
}


# The API group of the Prometheus Operator's CRDs (ServiceMonitor, PodMonitor,
# PrometheusRule), as `.Capabilities.APIVersions.Has` sees it.
PROMETHEUS_OPERATOR = "monitoring.coreos.com/v1"


def render(values, api_versions=(PROMETHEUS_OPERATOR,), namespace=NAMESPACE, release=RELEASE):
    """Renders the chart offline, as on a cluster serving `api_versions` besides the
    built-in ones (what `helm template --api-versions` does). helm-python-sdk's
    Chart.render has no parameter for them, but its native render takes them in the
    same options object as name and namespace."""
    options = {"name": release, "namespace": namespace, "is_install": True,
               "api_versions": list(api_versions), "kube_version": f"v{KUBE_VERSION}.0"}
    chart = Chart.load(str(CHART))
    manifests = json.loads(_native.call_string(
        "helm_render", chart._raw(), json.dumps(values), json.dumps(options)))
    docs = []
    for path, text in manifests.items():
        if path.endswith("NOTES.txt"):
            continue
        docs.extend(d for d in yaml.safe_load_all(text) if d)
    return docs


@pytest.fixture(scope="module", params=ENVIRONMENTS + ["everything"])
def rendered(request):
    values = EVERYTHING if request.param == "everything" else load_values(request.param)
    return request.param, render(values)


def by_kind(docs, kind):
    return [d for d in docs if d["kind"] == kind]


def one(docs, kind, component=None):
    found = [
        d
        for d in by_kind(docs, kind)
        if component is None
        or d["metadata"].get("labels", {}).get("app.kubernetes.io/component") == component
    ]
    assert len(found) == 1, f"expected one {kind} {component or ''}, found {len(found)}"
    return found[0]


def env_of(container):
    return {e["name"]: e for e in container.get("env", [])}


# --- values and schema -------------------------------------------------------------


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_values_pass_the_schema_and_strict_lint(env):
    values = load_values(env)
    Chart.load(str(CHART)).validate_schema(values)
    report = lint(str(CHART), values, strict=True, namespace=NAMESPACE)
    assert report["errors"] == [], report
    assert report["messages"] == [], report


BAD_VALUES = {
    "secrets created and referenced at once": {
        "secrets": {"create": True, "existingSecret": "mine", "databaseUrl": "postgres://x",
                    "jwtSecret": "x" * 32, "appApiToken": "t" * 16},
    },
    "secret values beside an existing Secret": {
        "secrets": {"existingSecret": "mine", "jwtSecret": "x" * 32},
    },
    "a short signing secret": {
        "secrets": {"create": True, "existingSecret": "", "databaseUrl": "postgres://x",
                    "jwtSecret": "short", "appApiToken": "t" * 16, "vapidPrivateKey": "v" * 43},
    },
    "no VAPID key for replicas to share": {
        "secrets": {"create": True, "existingSecret": "", "databaseUrl": "postgres://x",
                    "jwtSecret": "x" * 32, "appApiToken": "t" * 16},
    },
    "a VAPID key that is no key": {
        "secrets": {"create": True, "existingSecret": "", "databaseUrl": "postgres://x",
                    "jwtSecret": "x" * 32, "appApiToken": "t" * 16, "vapidPrivateKey": "short"},
    },
    "an SMTP URL that is no SMTP URL": {
        "secrets": {"create": True, "existingSecret": "", "databaseUrl": "postgres://x",
                    "jwtSecret": "x" * 32, "appApiToken": "t" * 16, "vapidPrivateKey": "v" * 43,
                    "smtpUrl": "mail.example.com"},
    },
    "a VAPID contact that is no URL": {"api": {"vapidSubject": "ops@example.com"}},
    "no replicas": {"api": {"replicaCount": 0}},
    "a writable root filesystem": {"securityContext": {"readOnlyRootFilesystem": False}},
    "root allowed": {"podSecurityContext": {"runAsNonRoot": False}},
    "an unknown pub/sub": {"dapr": {"pubsub": {"type": "rabbitmq"}}},
    "a host that is no host name": {"ingress": {"host": "not a host"}},
    "a port out of range": {"api": {"port": 70000}},
    "a misspelt top-level key": {"replicas": 3},
    "missing CPU limit": {"api": {"resources": {"limits": {"cpu": None}}}},
}


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_the_schema_rejects_bad_values(case):
    with pytest.raises(Exception, match=r"- at '"):
        Chart.load(str(CHART)).validate_schema(BAD_VALUES[case])


TEMPLATE_GUARDS = {
    "min above max": ({"api": {"autoscaling": {"minReplicas": 5, "maxReplicas": 3}}}, "minReplicas"),
    "PDB that blocks drains": (
        {"api": {"autoscaling": {"enabled": False}, "replicaCount": 1,
                 "pdb": {"enabled": True, "minAvailable": 1}}},
        "minAvailable",
    ),
    "callback on the HTTP port": ({"dapr": {"appPort": 8080}}, "must differ"),
    "callback on a sidecar port": ({"dapr": {"appPort": 50001}}, "sidecar"),
}


@pytest.mark.parametrize("case", sorted(TEMPLATE_GUARDS))
def test_rendering_refuses_inconsistent_values(case):
    values, message = TEMPLATE_GUARDS[case]
    with pytest.raises(Exception, match=message):
        render(values)


def test_committed_values_files_hold_no_secrets():
    for env in ENVIRONMENTS:
        secrets = load_values(env).get("secrets", {})
        assert not secrets.get("create"), env
        for key in ("databaseUrl", "jwtSecret", "appApiToken", "vapidPrivateKey", "smtpUrl"):
            assert not secrets.get(key), f"{env}: {key} in a committed values file"


# --- every manifest is valid Kubernetes 1.32; CRD objects have their fields ------------

CRD_KINDS = {
    ("dapr.io/v1alpha1", "Component"),
    ("dapr.io/v1alpha1", "Resiliency"),
    ("dapr.io/v1alpha1", "Configuration"),
    ("monitoring.coreos.com/v1", "ServiceMonitor"),
    ("monitoring.coreos.com/v1", "PodMonitor"),
    ("monitoring.coreos.com/v1", "PrometheusRule"),
}


def test_every_manifest_validates_against_kubernetes_1_32(rendered):
    _, docs = rendered
    core = [d for d in docs if (d["apiVersion"], d["kind"]) not in CRD_KINDS]
    assert len(core) >= 10
    for doc in core:
        try:
            kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{doc['kind']}/{doc['metadata']['name']}: {error}")


def test_the_kubernetes_schema_check_can_fail():
    docs = render(load_values("default"))
    deployment = copy.deepcopy(one(docs, "Deployment", "api"))
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"]["pathh"] = "/"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBE_VERSION, strict=True)


def component_schema():
    # The fields of Dapr's Component CRD (components.dapr.io, v1alpha1) that matter here.
    metadata_item = {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "value": {"type": "string"},
            "secretKeyRef": {
                "type": "object",
                "required": ["name", "key"],
                "additionalProperties": False,
                "properties": {"name": {"type": "string", "minLength": 1},
                               "key": {"type": "string", "minLength": 1}},
            },
        },
        "oneOf": [{"required": ["value"]}, {"required": ["secretKeyRef"]}],
    }
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": "dapr.io/v1alpha1"},
            "kind": {"const": "Component"},
            "metadata": {"type": "object", "required": ["name"]},
            "spec": {
                "type": "object",
                "required": ["type", "version", "metadata"],
                "additionalProperties": False,
                "properties": {
                    "type": {"enum": ["pubsub.kafka", "pubsub.redis", "bindings.cron"]},
                    "version": {"const": "v1"},
                    "metadata": {"type": "array", "items": metadata_item},
                    "ignoreErrors": {"type": "boolean"},
                    "initTimeout": {"type": "string"},
                },
            },
            "auth": {"type": "object", "properties": {"secretStore": {"type": "string"}},
                     "additionalProperties": False},
            "scopes": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        },
    }


def crd_check(doc):
    import jsonschema

    kind = doc["kind"]
    if kind == "Component":
        jsonschema.validate(doc, component_schema())
        meta = {m["name"]: m for m in doc["spec"]["metadata"]}
        required = {
            "pubsub.kafka": {"brokers", "consumerGroup", "authType"},
            "pubsub.redis": {"redisHost"},
            "bindings.cron": {"schedule", "direction"},
        }[doc["spec"]["type"]]
        assert required <= set(meta), f"{doc['metadata']['name']} lacks {required - set(meta)}"
        if meta.get("authType", {}).get("value") == "password":
            assert {"saslUsername", "saslPassword"} <= set(meta)
            assert "secretKeyRef" in meta["saslPassword"], "a Kafka password in plain text"
    elif kind == "Resiliency":
        spec = doc["spec"]
        policies = spec["policies"]
        for direction in spec["targets"]["components"].values():
            for target in direction.values():
                assert target.get("timeout") in policies["timeouts"]
                assert target.get("retry") in policies["retries"]
                if "circuitBreaker" in target:
                    assert target["circuitBreaker"] in policies["circuitBreakers"]
        assert doc["scopes"]
    elif kind == "Configuration":
        tracing = doc["spec"]["tracing"]
        assert "samplingRate" in tracing
        if tracing.get("otel"):
            assert set(tracing["otel"]) == {"endpointAddress", "isSecure", "protocol"}
    elif kind == "ServiceMonitor":
        spec = doc["spec"]
        assert spec["selector"]["matchLabels"]
        for endpoint in spec["endpoints"]:
            assert set(endpoint) <= {"port", "path", "interval", "scrapeTimeout"}
            assert endpoint["port"] and endpoint["path"].startswith("/")
    elif kind == "PodMonitor":
        spec = doc["spec"]
        assert spec["selector"]["matchLabels"]
        for endpoint in spec["podMetricsEndpoints"]:
            assert set(endpoint) <= {"port", "path", "interval", "scrapeTimeout"}
            assert endpoint["port"] and endpoint["path"].startswith("/")
    elif kind == "PrometheusRule":
        for group in doc["spec"]["groups"]:
            assert group["name"] and group["rules"]
            for rule in group["rules"]:
                assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}
                assert rule["labels"]["severity"] in {"warning", "critical"}
                assert rule["annotations"]["summary"] and rule["annotations"]["runbook"]
    else:
        raise AssertionError(f"no check for {kind}")


def test_crd_objects_have_their_expected_fields(rendered):
    env, docs = rendered
    crds = [d for d in docs if (d["apiVersion"], d["kind"]) in CRD_KINDS]
    kinds = {d["kind"] for d in crds}
    assert {"Component", "Resiliency", "Configuration"} <= kinds
    if env in ("staging", "production", "everything"):
        assert {"ServiceMonitor", "PrometheusRule"} <= kinds
    if env in ("staging", "production"):
        assert "PodMonitor" in kinds
    for doc in crds:
        crd_check(doc)


def test_the_crd_check_can_fail():
    docs = render(load_values("default"))
    component = copy.deepcopy(next(d for d in by_kind(docs, "Component")
                                   if d["spec"]["type"] == "pubsub.kafka"))
    component["spec"]["metadata"] = [m for m in component["spec"]["metadata"]
                                     if m["name"] != "brokers"]
    with pytest.raises(AssertionError):
        crd_check(component)
    component["spec"]["metadat"] = component["spec"].pop("metadata")
    with pytest.raises(Exception):
        crd_check(component)


# --- the properties that matter -------------------------------------------------------


def test_replicas_and_autoscaling_per_environment():
    expected = {
        # env: (fixed replicas or None, HPA (min, max) or None, PDB minAvailable or None)
        "default": (None, (2, 4), 1),
        "staging": (1, None, None),
        "production": (None, (2, 10), 1),
    }
    for env, (replicas, hpa, pdb) in expected.items():
        docs = render(load_values(env))
        deployment = one(docs, "Deployment", "api")
        assert deployment["spec"].get("replicas") == replicas, env
        hpas = by_kind(docs, "HorizontalPodAutoscaler")
        if hpa is None:
            assert hpas == [], env
        else:
            (h,) = hpas
            assert (h["spec"]["minReplicas"], h["spec"]["maxReplicas"]) == hpa, env
            assert {m["resource"]["name"] for m in h["spec"]["metrics"]} == {"cpu", "memory"}
            assert h["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
        pdbs = [p for p in by_kind(docs, "PodDisruptionBudget")
                if p["metadata"]["labels"]["app.kubernetes.io/component"] == "api"]
        if pdb is None:
            assert pdbs == [], env
        else:
            (p,) = pdbs
            assert p["spec"]["minAvailable"] == pdb
            assert p["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]


def test_dapr_annotations_match_the_app_callback(rendered):
    env, docs = rendered
    deployment = one(docs, "Deployment", "api")
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env_vars = env_of(container)
    assert annotations["dapr.io/enabled"] == "true"
    assert annotations["dapr.io/app-protocol"] == "grpc"
    host, port = env_vars["DAPR_APP_LISTEN"]["value"].rsplit(":", 1)
    assert annotations["dapr.io/app-port"] == port
    # The sidecar dials the app on 127.0.0.1 (Dapr's app channel address).
    assert host in ("127.0.0.1", "0.0.0.0")
    assert env_vars["EVENT_BUS"]["value"] == "dapr"
    # The token the sidecar sends is the one the app checks: the same Secret and key.
    token_ref = env_vars["APP_API_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert token_ref == {"name": annotations["dapr.io/app-token-secret"], "key": "token"}
    assert annotations["dapr.io/log-level"] in {"debug", "info", "warn", "error"}
    config = one(docs, "Configuration")
    assert annotations["dapr.io/config"] == config["metadata"]["name"]
    app_id = annotations["dapr.io/app-id"]
    for component in by_kind(docs, "Component") + by_kind(docs, "Resiliency"):
        assert component["scopes"] == [app_id], component["metadata"]["name"]
    pubsub = [c for c in by_kind(docs, "Component") if c["spec"]["type"].startswith("pubsub.")]
    assert [c["metadata"]["name"] for c in pubsub] == [env_vars["DAPR_PUBSUB_NAME"]["value"]]
    assert "reminder-cron" in {c["metadata"]["name"] for c in by_kind(docs, "Component")}


def test_chart_defaults_agree_with_the_server_defaults():
    values = chart_values()
    _, callback_port = server_default("api/src/config.rs", "DAPR_APP_LISTEN").rsplit(":", 1)
    assert values["dapr"]["appPort"] == int(callback_port)
    _, http_port = server_default("api/src/config.rs", "TODO_LISTEN").rsplit(":", 1)
    assert values["api"]["port"] == int(http_port)
    _, mcp_port = server_default("mcp-server/src/config.rs", "TODO_MCP_LISTEN").rsplit(":", 1)
    assert values["mcp"]["port"] == int(mcp_port)
    assert server_default("api/src/config.rs", "DAPR_PUBSUB_NAME") == values["dapr"]["pubsubName"]
    # The binding name the app lists and handles.
    assert 'REMINDER_CRON_BINDING: &str = "reminder-cron"' in (
        REPO / "api/src/events/dapr.rs").read_text()


def routes_of(path):
    import re

    return set(re.findall(r'\.route\(\s*"([^"]+)"', (REPO / path).read_text()))


def test_probes_hit_real_routes_on_declared_ports(rendered):
    _, docs = rendered
    servers = {"api": routes_of("api/src/http/mod.rs"), "mcp": routes_of("mcp-server/src/http.rs")}
    assert {"/healthz", "/readyz"} <= servers["api"]
    for component, routes in servers.items():
        deployment = one(docs, "Deployment", component)
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        port_names = {p["name"] for p in container["ports"]}
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            get = container[probe]["httpGet"]
            assert get["path"] in routes, f"{component} {probe} {get['path']}"
            assert get["port"] in port_names
    api = one(docs, "Deployment", "api")["spec"]["template"]["spec"]["containers"][0]
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"


def all_pod_specs(docs):
    for doc in docs:
        if doc["kind"] in ("Deployment", "Job"):
            yield doc["metadata"]["name"], doc["spec"]["template"]["spec"]


def test_every_container_is_locked_down(rendered):
    _, docs = rendered
    specs = list(all_pod_specs(docs))
    assert len(specs) >= 3
    for name, spec in specs:
        pod = spec.get("securityContext", {})
        assert spec.get("automountServiceAccountToken") is False, name
        for container in spec["containers"] + spec.get("initContainers", []):
            sc = container["securityContext"]
            non_root = sc.get("runAsNonRoot", pod.get("runAsNonRoot"))
            assert non_root is True, name
            assert (sc.get("runAsUser") or pod.get("runAsUser") or 1) != 0, name
            assert sc["readOnlyRootFilesystem"] is True, name
            assert sc["allowPrivilegeEscalation"] is False, name
            assert sc["capabilities"]["drop"] == ["ALL"], name
            seccomp = sc.get("seccompProfile") or pod.get("seccompProfile")
            assert seccomp["type"] == "RuntimeDefault", name
            assert container["resources"]["limits"]["memory"], name


def test_migrations_run_before_any_new_pod(rendered):
    _, docs = rendered
    job = one(docs, "Job")
    hooks = job["metadata"]["annotations"]
    assert set(hooks["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["migrate"]
    assert "Migrate(" in (REPO / "api/src/config.rs").read_text()
    api = one(docs, "Deployment", "api")["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == api["image"]
    assert env_of(container)["DATABASE_URL"] == env_of(api)["DATABASE_URL"]
    # A Secret the chart creates must exist before the hook that reads it.
    read = {e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e}
    for secret in [s for s in by_kind(docs, "Secret") if s["metadata"]["name"] in read]:
        weight = int(secret["metadata"]["annotations"]["helm.sh/hook-weight"])
        assert weight < int(hooks.get("helm.sh/hook-weight", "0"))
        assert "pre-install" in secret["metadata"]["annotations"]["helm.sh/hook"]


def test_secrets_come_from_one_place(rendered):
    env, docs = rendered
    secrets = by_kind(docs, "Secret")
    deployment = one(docs, "Deployment", "api")
    api = deployment["spec"]["template"]["spec"]["containers"][0]
    # The Dapr API token lives in a Secret of its own: Dapr reads the key `token` from
    # the Secret named in dapr.io/api-token-secret, and the app token already holds it.
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in api["env"] if "valueFrom" in e}
    # Every replica signs Web Push with the one shared key; SMTP is optional.
    assert refs["TODO_VAPID_PRIVATE_KEY"]["key"] == "vapid-private-key"
    assert refs["TODO_SMTP_URL"] == {**refs["TODO_SMTP_URL"], "key": "smtp-url", "optional": True}
    api_token = refs.pop("DAPR_API_TOKEN", None)
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    if api_token is None:
        assert "dapr.io/api-token-secret" not in annotations
    else:
        assert api_token == {"name": annotations["dapr.io/api-token-secret"], "key": "token"}
    names = {ref["name"] for ref in refs.values()}
    assert len(names) == 1
    if api_token is not None:
        assert api_token["name"] not in names
    if env == "everything":
        made = {s["metadata"]["name"]: s for s in secrets}
        assert set(made) == names | {api_token["name"]}
        assert set(made[next(iter(names))]["data"]) == {
            "database-url", "jwt-secret", "token", "vapid-private-key", "smtp-url"}
        assert set(made[api_token["name"]]["data"]) == {"token"}
    else:
        assert secrets == []
        values = chart_values() if env == "default" else load_values(env)
        assert names == {values["secrets"]["existingSecret"]}


def test_ingress_tls_service_network_policy_and_spread(rendered):
    env, docs = rendered
    values = load_values("default" if env == "everything" else env)
    host = values.get("ingress", {}).get("host") or chart_values()["ingress"]["host"]
    ingress = one(docs, "Ingress")
    assert ingress["spec"]["tls"][0]["hosts"] == [host]
    assert ingress["spec"]["rules"][0]["host"] == host
    assert "cert-manager.io/cluster-issuer" in ingress["metadata"]["annotations"]
    services = {s["metadata"]["name"] for s in by_kind(docs, "Service")}
    for path in ingress["spec"]["rules"][0]["http"]["paths"]:
        assert path["backend"]["service"]["name"] in services
    policies = by_kind(docs, "NetworkPolicy")
    selected = [p["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
                for p in policies]
    assert sorted(selected) == ["api", "mcp", "migrate"]
    for component in ("api", "mcp"):
        spec = one(docs, "Deployment", component)["spec"]["template"]["spec"]
        keys = {c["topologyKey"] for c in spec["topologySpreadConstraints"]}
        assert "kubernetes.io/hostname" in keys
        assert spec["serviceAccountName"] == one(docs, "ServiceAccount")["metadata"]["name"]


def test_metrics_port_is_exposed_and_scraped(rendered):
    env, docs = rendered
    api = one(docs, "Deployment", "api")["spec"]["template"]["spec"]["containers"][0]
    metrics_port = next(p["containerPort"] for p in api["ports"] if p["name"] == "metrics")
    assert env_of(api)["TODO_METRICS_LISTEN"]["value"] == f"0.0.0.0:{metrics_port}"
    service = one(docs, "Service", "api")
    assert "metrics" in {p["name"] for p in service["spec"]["ports"]}
    for monitor in by_kind(docs, "ServiceMonitor"):
        assert monitor["spec"]["endpoints"][0]["port"] == "metrics"
        assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()


# --- alerts and dashboard -------------------------------------------------------------


def declared_metrics():
    """The metric names the service registers (api/src/metrics.rs)."""
    import re

    source = (REPO / "api/src/metrics.rs").read_text()
    return set(re.findall(r'"(todo_[a-z_]+)"', source))


def metric_names(expr):
    import re

    names = set(re.findall(r"\b(todo_[a-z_]+)", expr))
    # Histogram series carry suffixes on top of the registered name.
    return {re.sub(r"_(bucket|sum|count)$", "", n) for n in names}


def alert_rules():
    docs = render(load_values("production"))
    return [r for g in one(docs, "PrometheusRule")["spec"]["groups"] for r in g["rules"]]


def test_alert_expressions_parse_as_promql():
    rules = alert_rules()
    names = {r["alert"] for r in rules}
    assert {"TodoPodRestarting", "TodoCpuNearLimit", "TodoHttp5xxRate", "TodoReminderLag",
            "TodoOutboxStale", "TodoConsumerDrops"} <= names
    known = declared_metrics()
    for rule in rules:
        promql_parser.parse(rule["expr"])
        unknown = metric_names(rule["expr"]) - known
        assert not unknown, f"{rule['alert']} uses {unknown}, which the service never exports"
    runbook = (REPO / "docs/deployment.md").read_text()
    for name in names:
        assert f"### {name}" in runbook, f"docs/deployment.md does not explain {name}"


def test_the_promql_check_can_fail():
    with pytest.raises(ValueError):
        promql_parser.parse("sum(rate(todo_http_requests_total[5m]) > 0.01")
    with pytest.raises(ValueError):
        promql_parser.parse("rate(todo_http_requests_total[5x])")


def test_dashboard_is_valid_json_with_valid_queries():
    dashboard = json.loads((CHART / "dashboards/todo-app.json").read_text())
    known = declared_metrics()
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    assert len(exprs) >= 10
    for expr in exprs:
        promql_parser.parse(expr.replace("$release", "todo"))
        assert not metric_names(expr) - known, expr
    # Every metric the service exports is on the dashboard or in an alert.
    shown = set().union(*(metric_names(e) for e in exprs))
    alerted = set().union(*(metric_names(r["expr"]) for r in alert_rules()))
    assert known - shown - alerted == set()


def test_every_metric_is_documented():
    doc = (REPO / "docs/monitoring.md").read_text()
    for name in declared_metrics():
        assert f"`{name}`" in doc, f"docs/monitoring.md does not list {name}"


def test_env_example_lists_every_setting():
    import re

    example = (REPO / "deploy/env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    for source in ("api/src/config.rs", "mcp-server/src/config.rs"):
        declared = set(re.findall(r'env\s*=\s*"([A-Z][A-Z0-9_]+)"', (REPO / source).read_text()))
        assert declared, source
        assert declared <= listed, f"{source}: {declared - listed} missing from deploy/env.example"
    # And every variable the chart sets is a real setting (or a well-known one).
    docs = render(EVERYTHING)
    known = listed | {"RUST_LOG"}
    for _, spec in all_pod_specs(docs):
        for container in spec["containers"]:
            for name in env_of(container):
                assert name in known, f"the chart sets {name}, which nothing reads"


def test_the_agent_page_gets_the_mcp_url_agents_reach():
    def mcp_url(values):
        deployment = one(render({**EVERYTHING, **values}), "Deployment", "api")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        return env_of(container).get("TODO_MCP_PUBLIC_URL", {}).get("value")

    defaults = chart_values()["ingress"]
    assert mcp_url({}) == f"https://{defaults['host']}{defaults['mcpPath']}"
    assert mcp_url({"ingress": {"tls": {"enabled": False}}}) == (
        f"http://{defaults['host']}{defaults['mcpPath']}")
    assert mcp_url({"api": {"mcpPublicUrl": "https://agents.example.org/mcp"}}) == (
        "https://agents.example.org/mcp")
    # Nothing to derive it from: the API keeps its own default.
    assert mcp_url({"ingress": {"enabled": False}}) is None


def test_the_mcp_server_names_its_resource_and_authorization_server_as_the_api_does():
    docs = render(EVERYTHING)
    api = env_of(one(docs, "Deployment", "api")["spec"]["template"]["spec"]["containers"][0])
    mcp = env_of(one(docs, "Deployment", "mcp")["spec"]["template"]["spec"]["containers"][0])
    # A token is bound to the MCP URL: both sides must state the same one, and the MCP
    # server's metadata must name the API's public URL (the issuer) as it is.
    assert mcp["TODO_MCP_PUBLIC_URL"] == api["TODO_MCP_PUBLIC_URL"]
    assert mcp["TODO_PUBLIC_URL"] == api["TODO_PUBLIC_URL"]
    ingress = one(docs, "Ingress", None)
    routes = {
        path["path"]: path["backend"]["service"]["name"]
        for path in ingress["spec"]["rules"][0]["http"]["paths"]
    }
    mcp_service = one(docs, "Service", "mcp")["metadata"]["name"]
    assert routes["/.well-known/oauth-protected-resource"] == mcp_service


def test_links_in_reminders_point_where_people_reach_the_app():
    def public_url(values):
        deployment = one(render({**EVERYTHING, **values}), "Deployment", "api")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        return env_of(container).get("TODO_PUBLIC_URL", {}).get("value")

    host = chart_values()["ingress"]["host"]
    assert public_url({}) == f"https://{host}"
    assert public_url({"ingress": {"tls": {"enabled": False}}}) == f"http://{host}"
    assert public_url({"api": {"publicUrl": "https://tasks.example.org"}}) == (
        "https://tasks.example.org")
    assert public_url({"ingress": {"enabled": False}}) is None
