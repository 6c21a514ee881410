"""The settings a real cluster needs and no render shows by itself: image digests,
the daprd container's resources for the HPA, Kafka authentication and TLS, egress
ports, monitoring that a stock kube-prometheus-stack picks up, the Dapr API token and
secret store, and the shutdown timing. Each is rendered with the three values files and
with overrides that exercise it, and checked field by field against the names Dapr's
and Kubernetes' documentation give.
"""

import copy
import json
import re

import kubernetes_validate
import pytest
import yaml
from helm_python.chart import Chart

from conftest import CHART, REPO, chart_values, load_values
from test_chart import (CRD_KINDS, EVERYTHING, KUBE_VERSION, NAMESPACE, by_kind, env_of,
                        one, render)

ENVIRONMENTS = ["default", "staging", "production"]
DIGEST = "sha256:" + "ab" * 32


def merged(*layers):
    """Deep merge of values dicts, later layers winning (what helm does with -f/--set)."""
    result = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(result.get(key), dict):
                result[key] = merged(result[key], value)
            else:
                result[key] = copy.deepcopy(value)
    return result


def schema_accepts(values):
    try:
        Chart.load(str(CHART)).validate_schema(values)
    except Exception:
        return False
    return True


def pod_template(docs, component="api"):
    return one(docs, "Deployment", component)["spec"]["template"]


def api_container(docs):
    return pod_template(docs)["spec"]["containers"][0]


def annotations(docs):
    return pod_template(docs)["metadata"]["annotations"]


def pubsub(docs):
    (component,) = [c for c in by_kind(docs, "Component") if c["spec"]["type"].startswith("pubsub.")]
    return component


def metadata_of(component):
    return {m["name"]: m for m in component["spec"]["metadata"]}


# --- images: by digest, from any registry -----------------------------------------------


def test_a_digest_wins_over_the_tag_in_every_pod():
    values = {"api": {"image": {"repository": "ghcr.io/acme/todo-api", "tag": "v1", "digest": DIGEST}},
              "mcp": {"image": {"repository": "ghcr.io/acme/todo-mcp", "tag": "v1", "digest": DIGEST}}}
    assert schema_accepts(values)
    docs = render(values)
    assert api_container(docs)["image"] == f"ghcr.io/acme/todo-api@{DIGEST}"
    assert pod_template(docs, "mcp")["spec"]["containers"][0]["image"] == f"ghcr.io/acme/todo-mcp@{DIGEST}"
    job = one(docs, "Job")["spec"]["template"]["spec"]["containers"][0]
    assert job["image"] == f"ghcr.io/acme/todo-api@{DIGEST}"


def test_without_a_digest_the_tag_or_the_app_version_is_used():
    docs = render({"api": {"image": {"tag": "abc123"}}})
    assert api_container(docs)["image"] == "ghcr.io/example/todo-api:abc123"
    docs = render({})
    app_version = yaml.safe_load((CHART / "Chart.yaml").read_text())["appVersion"]
    assert api_container(docs)["image"] == f"ghcr.io/example/todo-api:{app_version}"


@pytest.mark.parametrize("repository", [
    "localhost:5000/todo-api", "registry.digitalocean.com/acme/todo-api",
    "ghcr.io/acme/todo-api", "todo-api", "kind-registry:5001/team/todo-api",
])
def test_any_registry_is_accepted(repository):
    values = {"api": {"image": {"repository": repository, "digest": DIGEST}}}
    assert schema_accepts(values)
    assert api_container(render(values))["image"] == f"{repository}@{DIGEST}"


@pytest.mark.parametrize("image", [
    {"digest": "sha256:abc"},                       # too short
    {"digest": "ab" * 32},                          # no algorithm
    {"digest": "sha512:" + "ab" * 64},              # not what registries hand out here
    {"repository": "ghcr.io/Acme/todo-api"},        # upper case in the path
    {"repository": "localhost:port/todo-api"},
])
def test_the_schema_rejects_malformed_images(image):
    assert not schema_accepts({"api": {"image": image}})


# --- item 3: the sidecar has requests, so a Utilization HPA can compute -----------------

SIDECAR_RESOURCE_ANNOTATIONS = {
    # Dapr's annotation -> (requests|limits, resource)
    "dapr.io/sidecar-cpu-request": ("requests", "cpu"),
    "dapr.io/sidecar-memory-request": ("requests", "memory"),
    "dapr.io/sidecar-cpu-limit": ("limits", "cpu"),
    "dapr.io/sidecar-memory-limit": ("limits", "memory"),
}
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|k|M|G)?$")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_sidecar_has_requests_and_limits_wherever_dapr_runs(env):
    values = load_values(env)
    docs = render(values)
    found = annotations(docs)
    expected = merged(chart_values(), values)["dapr"]["sidecar"]["resources"]
    for annotation, (kind, resource) in SIDECAR_RESOURCE_ANNOTATIONS.items():
        assert found[annotation] == expected[kind][resource], annotation
        assert QUANTITY.match(found[annotation]), found[annotation]
    # Every container the HPA divides by has requests for what it scales on.
    for hpa in by_kind(docs, "HorizontalPodAutoscaler"):
        for metric in hpa["spec"]["metrics"]:
            assert metric["resource"]["target"]["type"] == "Utilization"
            resource = metric["resource"]["name"]
            assert api_container(docs)["resources"]["requests"][resource]
            assert found[f"dapr.io/sidecar-{resource}-request"]


def test_sidecar_resources_follow_the_values():
    values = {"dapr": {"sidecar": {"resources": {"requests": {"cpu": "120m", "memory": "96Mi"},
                                                 "limits": {"cpu": "2", "memory": "1Gi"}}}}}
    found = annotations(render(values))
    assert [found[a] for a in SIDECAR_RESOURCE_ANNOTATIONS] == ["120m", "96Mi", "2", "1Gi"]
    assert not schema_accepts({"dapr": {"sidecar": {"resources": {"requests": {"cpu": "lots"}}}}})


# --- item 4: Kafka for real brokers ------------------------------------------------------

# The metadata fields of Dapr's pubsub.kafka component reference
# (docs.dapr.io/reference/components-reference/supported-pubsub/setup-apache-kafka/).
KAFKA_FIELDS = {
    "brokers", "consumerGroup", "consumerID", "clientID", "authType", "saslUsername",
    "saslPassword", "saslMechanism", "initialOffset", "maxMessageBytes", "caCert",
    "clientCert", "clientKey", "skipVerify", "disableTls", "oidcTokenEndpoint",
    "oidcClientID", "oidcClientSecret", "oidcScopes", "oidcExtensions", "version",
}
KAFKA_SECRET_FIELDS = {"saslPassword", "caCert", "clientCert", "clientKey", "oidcClientSecret"}


def kafka(**settings):
    return {"dapr": {"pubsub": {"type": "kafka", "kafka": settings}}}


def check_kafka_component(component):
    """The component's fields are Dapr's, secrets come from Secrets, and TLS is coherent:
    a CA only with TLS on, a client certificate only over TLS."""
    meta = metadata_of(component)
    assert set(meta) <= KAFKA_FIELDS, set(meta) - KAFKA_FIELDS
    for name in KAFKA_SECRET_FIELDS & set(meta):
        assert set(meta[name]) == {"name", "secretKeyRef"}, f"{name} is not from a Secret"
    auth = meta["authType"]["value"]
    assert auth in {"none", "password", "mtls", "oidc"}
    tls_off = meta["disableTls"]["value"]
    assert tls_off in {"true", "false"}, "disableTls is explicit"
    if tls_off == "true":
        assert "caCert" not in meta and auth != "mtls"
    required = {"password": {"saslUsername", "saslPassword", "saslMechanism"},
                "mtls": {"clientCert", "clientKey"},
                "oidc": {"oidcTokenEndpoint", "oidcClientID", "oidcClientSecret"},
                "none": set()}[auth]
    assert required <= set(meta), required - set(meta)
    if auth == "password":
        assert meta["saslMechanism"]["value"] in {"SHA-512", "SHA-256", "PLAINTEXT"}
    return meta


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_environment_has_a_coherent_kafka_component(env):
    meta = check_kafka_component(pubsub(render(load_values(env))))
    if env == "production":
        # A TLS listener with its CA, SCRAM-SHA-512 (Dapr's SHA-512) as Strimzi does.
        assert meta["disableTls"]["value"] == "false"
        assert meta["caCert"]["secretKeyRef"] == {"name": "todo-app-kafka-ca", "key": "ca.crt"}
        assert meta["authType"]["value"] == "password"
        assert meta["saslMechanism"]["value"] == "SHA-512"
        assert meta["brokers"]["value"].endswith(":9093")
    else:
        assert meta["disableTls"]["value"] == "true"
        assert meta["brokers"]["value"].endswith(":9092")


KAFKA_CASES = {
    "password over TLS with a CA": kafka(
        authType="password", saslUsername="u", saslPasswordSecret={"name": "k", "key": "pw"},
        saslMechanism="SHA-256", disableTls=False, caCertSecret={"name": "ca", "key": "ca.crt"}),
    "mtls": kafka(
        authType="mtls", disableTls=False, caCertSecret={"name": "ca", "key": "ca.crt"},
        clientCertSecret={"name": "user", "certKey": "user.crt", "keyKey": "user.key"}),
    "oidc": kafka(
        authType="oidc", disableTls=False,
        oidc={"tokenEndpoint": "https://idp.example.com/token", "clientID": "todo",
              "clientSecret": {"name": "idp", "key": "secret"}, "scopes": "openid,kafka"}),
    "none over TLS with the system roots": kafka(authType="none", disableTls=False),
}


@pytest.mark.parametrize("case", sorted(KAFKA_CASES))
def test_every_kafka_auth_type_renders_dapr_fields(case):
    values = KAFKA_CASES[case]
    assert schema_accepts(values)
    meta = check_kafka_component(pubsub(render(values)))
    settings = values["dapr"]["pubsub"]["kafka"]
    assert meta["authType"]["value"] == settings["authType"]
    if settings["authType"] == "password":
        assert meta["saslPassword"]["secretKeyRef"] == {"name": "k", "key": "pw"}
        assert meta["saslMechanism"]["value"] == "SHA-256"
        assert meta["caCert"]["secretKeyRef"] == {"name": "ca", "key": "ca.crt"}
    if settings["authType"] == "mtls":
        assert meta["clientCert"]["secretKeyRef"] == {"name": "user", "key": "user.crt"}
        assert meta["clientKey"]["secretKeyRef"] == {"name": "user", "key": "user.key"}
    if settings["authType"] == "oidc":
        assert meta["oidcTokenEndpoint"]["value"] == "https://idp.example.com/token"
        assert meta["oidcClientSecret"]["secretKeyRef"] == {"name": "idp", "key": "secret"}
        assert meta["oidcScopes"]["value"] == "openid,kafka"
    if case.startswith("none"):
        assert "caCert" not in meta and meta["disableTls"]["value"] == "false"


INCOHERENT_KAFKA = {
    "a CA for a plain listener": kafka(disableTls=True, caCertSecret={"name": "ca", "key": "ca.crt"}),
    "mTLS without TLS": kafka(authType="mtls", disableTls=True,
                              clientCertSecret={"name": "u", "certKey": "c", "keyKey": "k"}),
    "a password without its Secret": kafka(authType="password", saslUsername="u"),
    "Strimzi's name instead of Dapr's": kafka(
        authType="password", saslUsername="u", saslPasswordSecret={"name": "k", "key": "pw"},
        saslMechanism="SCRAM-SHA-512"),
    "oidc without an endpoint": kafka(authType="oidc", oidc={"clientID": "x"}),
    "an auth type Dapr does not know": kafka(authType="kerberos"),
}


@pytest.mark.parametrize("case", sorted(INCOHERENT_KAFKA))
def test_the_schema_refuses_incoherent_kafka_settings(case):
    assert not schema_accepts(INCOHERENT_KAFKA[case])


def test_the_kafka_check_can_fail():
    component = pubsub(render(KAFKA_CASES["password over TLS with a CA"]))
    broken = copy.deepcopy(component)
    for m in broken["spec"]["metadata"]:
        if m["name"] == "disableTls":
            m["value"] = "true"
    with pytest.raises(AssertionError):
        check_kafka_component(broken)
    broken = copy.deepcopy(component)
    broken["spec"]["metadata"].append({"name": "saslPasswordd", "value": "x"})
    with pytest.raises(AssertionError):
        check_kafka_component(broken)


# --- item 5: egress ports as values ------------------------------------------------------


def egress_ports(policy):
    return {p["port"] for rule in policy["spec"].get("egress", []) for p in rule.get("ports", [])}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_component_may_reach_the_database_and_the_broker(env):
    values = merged(chart_values(), load_values(env))
    egress = values["networkPolicy"]["egress"]
    for policy in by_kind(render(load_values(env)), "NetworkPolicy"):
        ports = egress_ports(policy)
        assert set(egress["databasePorts"]) | set(egress["brokerPorts"]) <= ports
        assert 53 in ports


def test_the_digitalocean_example_works_as_written():
    # docs/deployment.md's managed PostgreSQL URL and the production values agree.
    runbook = (REPO / "docs/deployment.md").read_text()
    ports = {int(p) for p in re.findall(r"postgres://[^\s']*@[^\s':/]+:(\d+)/", runbook)}
    assert 25060 in ports
    production = merged(chart_values(), load_values("production"))
    assert 25060 in production["networkPolicy"]["egress"]["databasePorts"]
    for policy in by_kind(render(load_values("production")), "NetworkPolicy"):
        assert 25060 in egress_ports(policy)
        assert 5432 not in egress_ports(policy)


def test_egress_ports_follow_overrides():
    values = {"networkPolicy": {"egress": {"databasePorts": [25061], "brokerPorts": [25073],
                                           "otherPorts": []}}}
    for policy in by_kind(render(values), "NetworkPolicy"):
        assert egress_ports(policy) >= {25061, 25073}
        assert not egress_ports(policy) & {5432, 9092, 443}
    assert not schema_accepts({"networkPolicy": {"egress": {"databasePorts": [],
                                                            "brokerPorts": [9092], "otherPorts": []}}})


# --- item 6: monitoring a stock kube-prometheus-stack picks up ---------------------------

MONITORING_KINDS = {"ServiceMonitor", "PodMonitor", "PrometheusRule"}


@pytest.mark.parametrize("env", ["staging", "production"])
def test_monitoring_objects_render_only_where_the_operator_is(env):
    values = load_values(env)
    with_operator = {d["kind"] for d in render(values)}
    assert MONITORING_KINDS <= with_operator
    without = render(values, api_versions=())
    assert not MONITORING_KINDS & {d["kind"] for d in without}
    # The rest of the release is the same.
    assert len(without) == len(render(values)) - len(MONITORING_KINDS)
    for doc in without:
        if (doc["apiVersion"], doc["kind"]) not in CRD_KINDS:
            kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)


@pytest.mark.parametrize("env", ["staging", "production"])
def test_monitoring_objects_carry_the_stack_release_label(env):
    docs = render(load_values(env))
    for kind in MONITORING_KINDS:
        assert one(docs, kind)["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    values = merged(load_values(env), {"metrics": {
        "serviceMonitor": {"labels": {"release": "monitoring"}},
        "podMonitor": {"labels": {"release": "monitoring", "team": "todo"}},
        "prometheusRule": {"labels": {"release": "monitoring"}}}})
    docs = render(values)
    for kind in MONITORING_KINDS:
        assert one(docs, kind)["metadata"]["labels"]["release"] == "monitoring"
    assert one(docs, "PodMonitor")["metadata"]["labels"]["team"] == "todo"


def test_the_pod_monitor_scrapes_daprd_on_the_api_pods():
    docs = render(load_values("production"))
    monitor = one(docs, "PodMonitor")
    pod_labels = pod_template(docs)["metadata"]["labels"]
    assert monitor["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert monitor["spec"]["namespaceSelector"]["matchNames"] == [NAMESPACE]
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    # The port name Dapr's injector gives the sidecar's metrics port.
    assert endpoint["port"] == "dapr-metrics"
    found = annotations(docs)
    assert found["dapr.io/enable-metrics"] == "true" and found["dapr.io/metrics-port"] == "9090"
    # Prometheus in the monitoring namespace may reach that port.
    policy = next(p for p in by_kind(docs, "NetworkPolicy")
                  if p["spec"]["podSelector"]["matchLabels"].get("app.kubernetes.io/component") == "api")
    assert any(port["port"] == 9090 for rule in policy["spec"]["ingress"]
               for port in rule.get("ports", []))


def test_alerts_select_the_release_namespace_and_the_scraped_service():
    docs = render(load_values("production"), namespace="todo-production")
    service = one(docs, "Service", "api")["metadata"]["name"]
    for group in one(docs, "PrometheusRule")["spec"]["groups"]:
        for rule in group["rules"]:
            assert 'namespace="todo-production"' in rule["expr"], rule["alert"]
            if "todo_" in rule["expr"] or "up{" in rule["expr"]:
                assert f'job="{service}"' in rule["expr"], rule["alert"]


def dashboard():
    return json.loads((CHART / "dashboards/todo-app.json").read_text())


def test_the_dashboard_filters_by_namespace_and_matches_the_chart_pods():
    board = dashboard()
    variables = {v["name"] for v in board["templating"]["list"]}
    assert {"namespace", "service"} <= variables
    exprs = [t["expr"] for p in board["panels"] for t in p["targets"]]
    for expr in exprs:
        for selector in re.findall(r"\b[a-z_]+\{[^}]*\}", expr):
            assert 'namespace="$namespace"' in selector, expr
    # `$service` is the API Service's name (the ServiceMonitor's service label); pods of
    # the API Deployment are <deployment>-<replicaset hash>-<pod hash>.
    docs = render({}, release="todo")
    service = one(docs, "Service", "api")["metadata"]["name"]
    deployment = one(docs, "Deployment", "api")["metadata"]["name"]
    restart = next(e for e in exprs if "kube_pod_container_status_restarts_total" in e)
    pattern = re.search(r'pod=~"([^"]+)"', restart).group(1).replace("$service", service)
    assert re.fullmatch(pattern, f"{deployment}-7d9f8c6b5d-x2k4q")
    assert not re.fullmatch(pattern, "other-app-7d9f8c6b5d-x2k4q")


def test_retries_and_drops_are_separate_series():
    panel = next(p for p in dashboard()["panels"]
                 if any("todo_event_consumer_drops_total" in t["expr"] for t in p["targets"]))
    retries = [t for t in panel["targets"] if "retries" in t["expr"]]
    drops = [t for t in panel["targets"] if "drops" in t["expr"]]
    assert len(retries) == len(drops) == 1
    assert retries[0]["legendFormat"] != drops[0]["legendFormat"]
    assert " or " not in retries[0]["expr"] + drops[0]["expr"]


def code_labels():
    """The label names the service's code sets on its metrics."""
    names = set()
    for path in (REPO / "api/src").rglob("*.rs"):
        text = path.read_text()
        # A macro's arguments run up to the end of its statement.
        for call in re.findall(r"(?:counter|gauge|histogram)!\(([^;]*)", text):
            names |= set(re.findall(r'"([a-z_]+)"\s*=>', call))
    return names


def test_dashboard_and_alerts_group_by_labels_the_code_sets():
    known = code_labels()
    assert {"topic", "code", "route", "status", "pool", "type"} <= known
    # Labels Prometheus adds itself (target and histogram labels).
    known |= {"le", "pod", "namespace", "job", "service", "container", "resource"}
    rules = [r["expr"] for g in one(render(load_values("production")), "PrometheusRule")["spec"]["groups"]
             for r in g["rules"]]
    exprs = [t["expr"] for p in dashboard()["panels"] for t in p["targets"]] + rules
    for expr in exprs:
        for group in re.findall(r"by \(([^)]*)\)", expr):
            labels = {label.strip() for label in group.split(",")}
            assert labels <= known, f"{expr} groups by {labels - known}"
        for label in re.findall(r"\b([a-z_]+)=~?\"", expr):
            assert label in known, f"{expr} selects on {label}"


# --- item 8: Dapr's token and secret store -----------------------------------------------


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_no_token_mounted_means_no_builtin_secret_store(env):
    docs = render(load_values(env))
    spec = pod_template(docs)["spec"]
    assert spec["automountServiceAccountToken"] is False
    assert annotations(docs)["dapr.io/disable-builtin-k8s-secret-store"] == "true"
    # Every secret the components use is a secretKeyRef to a Kubernetes Secret, resolved
    # by the operator (auth.secretStore kubernetes), never a plain value.
    for component in by_kind(docs, "Component"):
        for m in component["spec"]["metadata"]:
            if m["name"] in KAFKA_SECRET_FIELDS | {"redisPassword"}:
                assert "secretKeyRef" in m
        if any("secretKeyRef" in m for m in component["spec"]["metadata"]):
            assert component["auth"]["secretStore"] == "kubernetes"


def test_production_sets_the_dapr_api_token():
    docs = render(load_values("production"))
    secret = annotations(docs)["dapr.io/api-token-secret"]
    assert secret == "todo-app-production-dapr-api"
    assert env_of(api_container(docs))["DAPR_API_TOKEN"]["valueFrom"]["secretKeyRef"] == {
        "name": secret, "key": "token"}
    assert annotations(docs)["dapr.io/app-token-secret"] != secret


def test_without_an_api_token_nothing_refers_to_one():
    docs = render({})
    assert "dapr.io/api-token-secret" not in annotations(docs)
    assert "DAPR_API_TOKEN" not in env_of(api_container(docs))


def test_an_api_token_secret_cannot_come_from_two_places():
    with pytest.raises(Exception, match="not both"):
        render(merged(EVERYTHING, {"dapr": {"apiTokenSecret": "mine"}}))


# --- item 9: the grace period covers drain and grace --------------------------------------


@pytest.mark.parametrize("shutdown", [None, {"drainSeconds": 0, "graceSeconds": 40},
                                      {"drainSeconds": 15, "graceSeconds": 30, "marginSeconds": 5}])
def test_termination_grace_exceeds_drain_plus_grace(shutdown):
    values = {} if shutdown is None else {"api": {"shutdown": shutdown}}
    expected = merged(chart_values()["api"]["shutdown"], shutdown or {})
    docs = render(values)
    spec = pod_template(docs)["spec"]
    env = env_of(spec["containers"][0])
    drain = int(env["TODO_SHUTDOWN_DRAIN_SECONDS"]["value"])
    grace = int(env["TODO_SHUTDOWN_GRACE_SECONDS"]["value"])
    assert (drain, grace) == (expected["drainSeconds"], expected["graceSeconds"])
    assert spec["terminationGracePeriodSeconds"] == drain + grace + expected["marginSeconds"]
    assert spec["terminationGracePeriodSeconds"] > drain + grace
    # The sidecar stays up while the app finishes, and is itself inside the grace period.
    sidecar = int(annotations(docs)["dapr.io/graceful-shutdown-seconds"])
    assert drain + grace <= sidecar < spec["terminationGracePeriodSeconds"]
    # The binary drains itself: no preStop hook.
    assert "lifecycle" not in spec["containers"][0]


def test_the_chart_defaults_agree_with_the_binary_defaults():
    source = (REPO / "api/src/config.rs").read_text()
    grace = re.search(r'env = "TODO_SHUTDOWN_GRACE_SECONDS", default_value_t = (\d+)', source)
    assert grace and int(grace.group(1)) == chart_values()["api"]["shutdown"]["graceSeconds"]
    drain = re.search(r'env = "TODO_SHUTDOWN_DRAIN_SECONDS",\s*default_value_t = (\d+)', source)
    assert drain and int(drain.group(1)) == chart_values()["api"]["shutdown"]["drainSeconds"]


# --- item 12: names as the chart renders them ---------------------------------------------


def test_resource_names_as_the_docs_give_them():
    docs = render({}, release="todo")
    assert one(docs, "Deployment", "api")["metadata"]["name"] == "todo-todo-app-api"
    assert one(docs, "Service", "mcp")["metadata"]["name"] == "todo-todo-app-mcp"
    short = render({"fullnameOverride": "todo"}, release="todo")
    assert one(short, "Deployment", "api")["metadata"]["name"] == "todo-api"
    runbook = (REPO / "docs/deployment.md").read_text()
    assert "todo-todo-app-api" in runbook and "fullnameOverride" in runbook
    # No name the chart never renders.
    for stale in ("Service todo-app-api", "deploy/todo-app-api", "todo-app-migrate-N"):
        assert stale not in runbook, stale


# --- item 1: the deployer's namespace and RBAC --------------------------------------------

RBAC = REPO / "deploy/deployer-rbac.yaml"


def rbac_docs(namespace):
    text = RBAC.read_text().replace("NAMESPACE", namespace)
    return [d for d in yaml.safe_load_all(text) if d]


def test_the_deployer_rbac_is_valid_kubernetes():
    docs = rbac_docs("todo-staging")
    assert {d["kind"] for d in docs} == {"Namespace", "ServiceAccount", "Role", "RoleBinding", "Secret"}
    for doc in docs:
        kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "todo-staging"


def plural(kind):
    """The resource name of a kind, as RBAC rules name it."""
    name = kind.lower()
    if name.endswith("y"):
        return name[:-1] + "ies"
    return name + ("es" if name.endswith("s") else "s")


def test_the_deployer_may_manage_everything_the_chart_renders():
    role = next(d for d in rbac_docs("todo-production") if d["kind"] == "Role")
    allowed = set()
    for rule in role["rules"]:
        for group in rule["apiGroups"]:
            for resource in rule["resources"]:
                allowed |= {(group, resource, verb) for verb in rule["verbs"]}
    docs = render(merged(EVERYTHING, load_values("production"),
                         {"secrets": {"existingSecret": ""}, "dapr": {"apiTokenSecret": ""}}))
    kinds = {(d["apiVersion"].rpartition("/")[0], plural(d["kind"])) for d in docs}
    # Helm keeps its release records in Secrets; --wait and the smoke check read pods.
    kinds |= {("", "secrets"), ("", "pods")}
    for group, resource in kinds:
        for verb in ("get", "list", "create", "patch", "delete"):
            assert (group, resource, verb) in allowed, f"{verb} {group}/{resource}"
    # A namespace-scoped deployer: a Role, nothing cluster-wide.
    assert role["kind"] == "Role"


def test_the_standalone_kafka_component_is_coherent():
    # dapr/components/kafka/pubsub.yaml, for `dapr run` against a local Kafka.
    component = yaml.safe_load((REPO / "dapr/components/kafka/pubsub.yaml").read_text())
    check_kafka_component(component)


def test_env_example_names_the_api_as_the_chart_renders_it():
    docs = render({}, namespace="todo-production")
    mcp = pod_template(docs, "mcp")["spec"]["containers"][0]
    url = env_of(mcp)["TODO_API_URL"]["value"]
    assert f"TODO_API_URL={url}\n" in (REPO / "deploy/env.example").read_text()


def test_the_5xx_ratio_leaves_the_probes_out():
    # /readyz answers 503 during every rollout's drain: counted, it would page at each deploy.
    probes = 'route!~"/(healthz|readyz)"'
    docs = render(load_values("production"), namespace="todo-production")
    rule = next(r for g in one(docs, "PrometheusRule")["spec"]["groups"] for r in g["rules"]
                if r.get("alert") == "TodoHttp5xxRate")
    ratio = next(t["expr"] for p in dashboard()["panels"] if p["title"] == "5xx ratio"
                 for t in p["targets"])
    for expr in (rule["expr"], ratio):
        selectors = re.findall(r"todo_http_requests_total\{[^}]*\}", expr)
        assert len(selectors) == 2 and all(probes in s for s in selectors), expr
