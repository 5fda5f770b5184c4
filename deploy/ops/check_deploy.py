"""Offline checks of the deployment artefacts that no schema covers, run by
deploy/ops/check.sh: the alerts' runbook sections, the CMP_* settings the
artefacts set, the binaries and scrape jobs they name, the dashboards'
structure, and the cluster schema against the single-node migrations.
Prints one line per failure and exits 1 if there was any."""

import json
import pathlib
import re
import sys

import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
JOBS = {"cmp-ingest", "cmp-aggregator", "cmp-api"}
DATASOURCE_UID = "cmp-prometheus"
failures = []


def fail(msg):
    failures.append(msg)


def load_yaml_all(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def anchor(heading):
    """GitHub's anchor of a Markdown heading."""
    a = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return a.replace(" ", "-")


def check_runbook():
    runbook = REPO / "docs/runbook.md"
    anchors = {anchor(m) for m in re.findall(r"^#+ (.+)$", runbook.read_text(), re.M)}
    for path in sorted((DEPLOY / "prometheus/rules").glob("*.yml")):
        for doc in load_yaml_all(path):
            for group in doc["groups"]:
                for rule in group["rules"]:
                    name = rule.get("alert")
                    if not name:
                        continue
                    url = rule.get("annotations", {}).get("runbook_url", "")
                    want = f"docs/runbook.md#{name.lower()}"
                    if url != want:
                        fail(f"{path.name}: {name}: runbook_url {url!r}, expected {want!r}")
                    if name.lower() not in anchors:
                        fail(f"docs/runbook.md: no section for alert {name} (a heading `{name}`)")
                    if rule.get("labels", {}).get("severity") not in ("critical", "warning"):
                        fail(f"{path.name}: {name}: severity must be critical or warning")


def known_settings():
    text = (REPO / "config/src/settings.rs").read_text()
    block = text[text.index("pub(crate) const KNOWN"):]
    block = block[: block.index("];")]
    known = set(re.findall(r'"(CMP_[A-Z0-9_]+)"', block))
    readme = (REPO / "README.md").read_text()
    documented = set(re.findall(r"`(CMP_[A-Z0-9_]+)`", readme))
    return known, documented


def check_settings():
    known, documented = known_settings()
    files = [DEPLOY / "compose.yaml", DEPLOY / "Dockerfile"] + sorted((DEPLOY / "k8s").glob("*.yaml"))
    for path in files:
        text = path.read_text()
        # settings set by the artefact: keys of environment maps and ENV lines
        names = set(re.findall(r"^\s*(CMP_[A-Z0-9_]+)\s*[:=]", text, re.M))
        names |= set(re.findall(r"\b(CMP_[A-Z0-9_]+)=", text))
        for name in sorted(names):
            if name in ("CMP_PARTITIONS", "CMP_DEMO_RATE"):
                continue  # compose's own knobs (topic creation, generator rate), not process settings
            if name not in known:
                fail(f"{path.relative_to(REPO)}: {name} is not a setting the processes know (config/src/settings.rs)")
            elif name not in documented:
                fail(f"{path.relative_to(REPO)}: {name} is not documented in README.md")


def binaries():
    bins = set()
    for cargo in REPO.glob("*/Cargo.toml"):
        m = re.search(r'^name = "(cmp-[a-z]+)"', cargo.read_text(), re.M)
        if m and (cargo.parent / "src/main.rs").exists():
            bins.add(m.group(1))
    return bins


def check_compose():
    bins = binaries()
    compose = load_yaml_all(DEPLOY / "compose.yaml")[0]
    services = compose["services"]
    for name, svc in services.items():
        cmd = svc.get("command")
        if svc.get("image") == "cmp:dev":
            if not (isinstance(cmd, list) and cmd and cmd[0] in bins):
                fail(f"compose.yaml: service {name} runs {cmd!r}, not one of {sorted(bins)}")
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    # cmp-bench measures on a development machine (deploy/bench), never deployed
    for b in bins - {"cmp-tests", "cmp-bench"}:
        if f"-p {b}" not in dockerfile or f"target/release/{b}" not in dockerfile:
            fail(f"Dockerfile: {b} is not built and copied")
    for path in [DEPLOY / "prometheus/prometheus.yml"]:
        prom = load_yaml_all(path)[0]
        jobs = {j["job_name"] for j in prom["scrape_configs"]}
        if jobs != JOBS:
            fail(f"{path.name}: jobs {sorted(jobs)}, expected {sorted(JOBS)}")
        for j in prom["scrape_configs"]:
            hosts = [t.split(":")[0] for c in j.get("static_configs", []) for t in c["targets"]]
            hosts += [n for c in j.get("dns_sd_configs", []) for n in c["names"]]
            for h in hosts:
                if h not in services:
                    fail(f"{path.name}: job {j['job_name']} scrapes {h}, not a compose service")


def check_k8s():
    k8s = DEPLOY / "k8s"
    kust = load_yaml_all(k8s / "kustomization.yaml")[0]
    listed = set(kust["resources"])
    present = {p.name for p in k8s.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    if listed != present:
        fail(f"k8s/kustomization.yaml lists {sorted(listed)}, the folder has {sorted(present)}")
    bins = binaries()
    for path in sorted(k8s.glob("*.yaml")):
        for doc in load_yaml_all(path):
            spec = doc.get("spec", {})
            pod = spec.get("template", {}).get("spec") or spec.get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec")
            for c in (pod or {}).get("containers", []):
                if c.get("command", [None])[0] not in bins:
                    fail(f"{path.name}: container {c['name']} runs {c.get('command')}, not a binary")
            if doc["kind"] == "Deployment":
                labels = doc["spec"]["template"]["metadata"]
                job = labels["labels"].get("app.kubernetes.io/name")
                if job not in JOBS:
                    fail(f"{path.name}: Deployment label app.kubernetes.io/name {job!r} is not a scrape job")
                if labels.get("annotations", {}).get("prometheus.io/scrape") != "true":
                    fail(f"{path.name}: {job} is not annotated for scraping")
                for c in doc["spec"]["template"]["spec"]["containers"]:
                    for probe in ("livenessProbe", "readinessProbe"):
                        if probe not in c:
                            fail(f"{path.name}: {job} has no {probe}")
                    if "requests" not in c.get("resources", {}):
                        fail(f"{path.name}: {job} has no resource requests")


def check_dashboards():
    for path in sorted((DEPLOY / "grafana/dashboards").glob("*.json")):
        board = json.loads(path.read_text())
        ids = []
        stack = list(board["panels"])
        while stack:
            p = stack.pop()
            stack.extend(p.get("panels", []))
            ids.append(p["id"])
            if p["type"] == "row":
                continue
            for key in ("title", "description", "gridPos", "targets"):
                if not p.get(key):
                    fail(f"{path.name}: panel {p['id']} has no {key}")
            sources = [p.get("datasource", {})] + [t.get("datasource", {}) for t in p.get("targets", [])]
            if any(s.get("uid") != DATASOURCE_UID for s in sources):
                fail(f"{path.name}: panel {p.get('title')!r} does not use datasource {DATASOURCE_UID}")
            if any(not t.get("expr") for t in p.get("targets", [])):
                fail(f"{path.name}: panel {p.get('title')!r} has a target without expr")
        if len(ids) != len(set(ids)):
            fail(f"{path.name}: duplicate panel ids")
        if not board.get("uid"):
            fail(f"{path.name}: no uid")
    provisioned = load_yaml_all(DEPLOY / "grafana/provisioning/datasources/prometheus.yaml")[0]
    if [d["uid"] for d in provisioned["datasources"]] != [DATASOURCE_UID]:
        fail("grafana datasource provisioning: uid must be " + DATASOURCE_UID)


def tables(sql):
    """{name: normalised column list or None} of every CREATE TABLE/VIEW."""
    out = {}
    sql = re.sub(r"--[^\n]*", "", sql)
    for m in re.finditer(
        r"CREATE (?:TABLE|MATERIALIZED VIEW) IF NOT EXISTS (?:cmp\.)?(\w+)(?: ON CLUSTER '\{cluster\}')?\s*(\(|AS|TO)",
        sql,
    ):
        name, what = m.group(1), m.group(2)
        cols = None
        if what == "(":
            depth, i = 0, m.end() - 1
            for j in range(i, len(sql)):
                depth += {"(": 1, ")": -1}.get(sql[j], 0)
                if depth == 0:
                    cols = " ".join(sql[i + 1 : j].split())
                    break
        out[name] = cols
    return out


def added_columns(sql):
    """[(table, [column definition])] of every `ALTER TABLE t ADD COLUMN …`."""
    sql = re.sub(r"--[^\n]*", "", sql)
    out = []
    for m in re.finditer(r"ALTER TABLE (?:cmp\.)?(\w+)\s+(ADD COLUMN[^;]*);", sql):
        defs = [" ".join(d.split()).rstrip(",") for d in m.group(2).split("ADD COLUMN")]
        out.append((m.group(1), [d for d in defs if d]))
    return out


def check_cluster_schema():
    single = {}
    for path in sorted((REPO / "store/sql/migrations").glob("*.sql")):
        text = path.read_text()
        single.update(tables(text))
        for name, defs in added_columns(text):
            if single.get(name) is not None:
                single[name] = ", ".join([single[name]] + defs)
    cluster = tables((DEPLOY / "clickhouse/cluster/schema.sql").read_text())
    for name, cols in single.items():
        if name not in cluster:
            fail(f"clickhouse/cluster/schema.sql: no {name} (created by the migrations)")
            continue
        # a Distributed table (`AS x_local`) has its local table's columns
        theirs = cluster[name] if cluster[name] is not None else cluster.get(f"{name}_local")
        if cols is not None and theirs != cols:
            fail(f"clickhouse/cluster/schema.sql: {name} has other columns than the migrations'")


for check in (check_runbook, check_settings, check_compose, check_k8s, check_dashboards, check_cluster_schema):
    check()
for f in failures:
    print("check_deploy:", f)
sys.exit(1 if failures else 0)
