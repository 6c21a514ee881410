"""Shared by the deployment checks: where things are, and how to read them."""

import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "helm" / "todo-app"

sys.path.insert(0, str(Path(__file__).resolve().parent))


def load_values(env):
    """The values an environment passes to helm on top of the chart's values.yaml."""
    if env == "default":
        return {}
    return yaml.safe_load((CHART / f"values-{env}.yaml").read_text()) or {}


def server_default(path, env_name):
    """The default of the clap argument read from `env_name`, from the source."""
    source = (REPO / path).read_text()
    pattern = rf'env\s*=\s*"{env_name}",\s*default_value\s*=\s*"([^"]*)"'
    match = re.search(pattern, source)
    assert match, f"no default for {env_name} in {path}"
    return match.group(1)


def chart_values():
    """The chart's own defaults (values.yaml)."""
    return yaml.safe_load((CHART / "values.yaml").read_text())
