"""Static checks of the Dockerfile: no container engine runs on these machines, so what
can be checked without building is checked here: the stages and their order, that every
COPY source exists in the build context (and survives .dockerignore) or comes from an
earlier stage, and that binaries, ports and users agree with Cargo.toml and the chart.
"""

import fnmatch
import re
import shlex
import tomllib

import pytest

from conftest import REPO, chart_values, server_default

DOCKERFILE = REPO / "Dockerfile"
RUNTIME_STAGES = {"todo-api": "api", "todo-mcp": "mcp-server"}


def instructions(text):
    """(keyword, arguments) per instruction, continuation lines joined, comments dropped."""
    lines, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        keyword, _, args = current.partition(" ")
        lines.append((keyword.upper(), args.strip()))
        current = ""
    assert not current, "a continuation line runs off the end"
    return lines


def stages(text):
    """Stage name -> {base, instructions}, in file order."""
    result, current = {}, None
    for keyword, args in instructions(text):
        if keyword == "FROM":
            parts = args.split()
            name = parts[-1] if len(parts) >= 3 and parts[-2].upper() == "AS" else f"#{len(result)}"
            current = {"base": parts[0], "instructions": []}
            assert name not in result, f"stage {name} defined twice"
            result[name] = current
        elif keyword in ("ARG",) and current is None:
            continue
        else:
            assert current is not None, f"{keyword} before FROM"
            current["instructions"].append((keyword, args))
    return result


def copy_parts(args):
    words = shlex.split(args)
    flags = {w.split("=", 1)[0]: w.split("=", 1)[1] for w in words if w.startswith("--")}
    paths = [w for w in words if not w.startswith("--")]
    return flags, paths[:-1], paths[-1]


def dockerignore_patterns():
    patterns = []
    for line in (REPO / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            patterns.append(line.rstrip("/"))
    return patterns


def ignored(path, patterns):
    return any(
        fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path, p + "/*") or path.startswith(p + "/")
        for p in (q.removeprefix("**/") for q in patterns)
    )


@pytest.fixture(scope="module")
def parsed():
    return stages(DOCKERFILE.read_text())


def check_copies(all_stages):
    """Returns the problems with COPY instructions, empty when there are none."""
    problems, seen = [], []
    patterns = dockerignore_patterns()
    for name, stage in all_stages.items():
        if stage["base"] in all_stages and stage["base"] not in seen:
            problems.append(f"{name} builds on {stage['base']}, defined later")
        for keyword, args in stage["instructions"]:
            if keyword != "COPY":
                continue
            flags, sources, _ = copy_parts(args)
            if "--from" in flags:
                if flags["--from"] not in seen:
                    problems.append(f"{name}: COPY --from={flags['--from']} is no earlier stage")
                continue
            for source in sources:
                if source == ".":
                    continue
                if not (REPO / source).exists():
                    problems.append(f"{name}: COPY {source} does not exist")
                elif ignored(source, patterns):
                    problems.append(f"{name}: COPY {source} is excluded by .dockerignore")
        seen.append(name)
    return problems


def test_stages_and_copy_sources(parsed):
    assert check_copies(parsed) == []
    assert set(RUNTIME_STAGES) <= set(parsed)


def test_the_copy_check_can_fail():
    broken = stages(
        "FROM rust AS a\nCOPY no/such/file /x\nFROM a AS b\nCOPY --from=c /y /z\n"
        "COPY target/debug /w\nFROM c AS d\nFROM scratch AS c\n"
    )
    problems = check_copies(broken)
    assert any("no/such/file" in p for p in problems)
    assert any("--from=c" in p for p in problems)
    assert any("d builds on c" in p for p in problems)


def test_dependencies_are_cooked_before_the_sources_are_copied(parsed):
    # The layer cache only helps if the expensive dependency build comes before COPY . .
    for binary, crate in (("api", "api"), ("mcp", "mcp-server")):
        deps = parsed[f"deps-{binary}"]["instructions"]
        assert any(k == "RUN" and "cargo chef cook" in a and f"-p {crate}" in a for k, a in deps)
        assert not any(k == "COPY" and copy_parts(a)[1] == ["."] for k, a in deps)
        assert parsed[f"build-{binary}"]["base"] == f"deps-{binary}"


def runtime(parsed, name):
    stage = parsed[name]
    found = {}
    for keyword, args in stage["instructions"]:
        found.setdefault(keyword, []).append(args)
    return stage, found


def bin_names(crate):
    manifest = tomllib.loads((REPO / crate / "Cargo.toml").read_text())
    return {b["name"] for b in manifest.get("bin", [])}


@pytest.mark.parametrize("stage_name", sorted(RUNTIME_STAGES))
def test_runtime_images_are_small_non_root_and_run_the_right_binary(parsed, stage_name):
    stage, found = runtime(parsed, stage_name)
    # Distroless: no shell, no package manager at run time.
    assert stage["base"].startswith("gcr.io/distroless/cc-debian12:nonroot")
    assert "RUN" not in found, "a RUN in a runtime stage needs a shell the image lacks"
    (user,) = found["USER"]
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0
    assert uid == str(chart_values()["podSecurityContext"]["runAsUser"])
    (entrypoint,) = found["ENTRYPOINT"]
    (binary,) = __import__("json").loads(entrypoint)
    assert binary.rsplit("/", 1)[1] == stage_name
    assert stage_name in bin_names(RUNTIME_STAGES[stage_name])
    copied = [copy_parts(a) for a in found["COPY"]]
    assert any(dest == binary and src[0].endswith(f"/target/release/{stage_name}")
               for _, src, dest in copied)


def test_ports_agree_with_the_chart_and_the_servers(parsed):
    values = chart_values()
    _, api = runtime(parsed, "todo-api")
    _, mcp = runtime(parsed, "todo-mcp")
    api_ports = {int(p) for line in api["EXPOSE"] for p in line.split()}
    mcp_ports = {int(p) for line in mcp["EXPOSE"] for p in line.split()}
    assert api_ports == {values["api"]["port"], values["api"]["metricsPort"]}
    assert mcp_ports == {values["mcp"]["port"]}
    api_env = " ".join(api["ENV"])
    assert f"TODO_LISTEN=0.0.0.0:{values['api']['port']}" in api_env
    assert f"TODO_MCP_LISTEN=0.0.0.0:{values['mcp']['port']}" in " ".join(mcp["ENV"])
    _, default_port = server_default("api/src/config.rs", "TODO_LISTEN").rsplit(":", 1)
    assert int(default_port) == values["api"]["port"]


def test_the_api_image_carries_the_web_bundle(parsed):
    _, api = runtime(parsed, "todo-api")
    copies = [copy_parts(a) for a in api["COPY"]]
    web = [(flags, src, dest) for flags, src, dest in copies if flags.get("--from") == "build-web"]
    assert len(web) == 1
    _, (source,), dest = web[0]
    assert f"TODO_WEB_DIR={dest}" in " ".join(api["ENV"])
    build = parsed["build-web"]["instructions"]
    assert ("RUN", "scripts/build-web") in build
    assert source == "/src/web/dist"
    # The wasm-bindgen CLI is installed at the version Cargo.lock pins for the crate.
    assert any("wasm-bindgen-cli" in a and "Cargo.lock" in a for k, a in build if k == "RUN")
    if (REPO / "web").is_dir():
        assert (REPO / "scripts/build-web").is_file()
