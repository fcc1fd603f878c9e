#!/usr/bin/env python3
"""Render every overlay with `kubectl kustomize` and check AgentFleet's invariants.

    python3 k8s/check-manifests.py            # needs kubectl (kustomize built in) and PyYAML

Checks, per overlay: every worker Deployment has its ScaledObject and
PodDisruptionBudget; the ScaledObject has, for each partition p of the type
(FLEET_AGENTS_<TYPE>_PARTITIONS, default 1) and each priority level, one lag
trigger (lagCount, activationLagCount "0") and one pending trigger of type
redis-streams or redis-cluster-streams on that task stream (fleet:{type}:tasks
for p = 0, fleet:{type:p}:tasks otherwise, each with :high and :low siblings)
and group workers; every type scales on advanced.scalingModifiers whose formula
names exactly its (named) triggers;
every trigger's Redis address variable is in the container's environment;
TLS is set only in the TriggerAuthentication (`tls`), never `enableTLS`; FLEET_AGENTS, POD_NAME, REDIS_URL (secretKeyRef) are
set; probes hit /health/liveness and /health/readiness on 8080; the pod is
non-root (10001) with a read-only root filesystem, no privilege escalation,
all capabilities dropped, seccomp RuntimeDefault and an emptyDir on /tmp;
FLEET_SHUTDOWN_GRACE is shorter than terminationGracePeriodSeconds; every
Secret key referenced exists in k8s/base/secrets.example.yaml.
"""
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent
OVERLAYS = sorted(p for p in (ROOT / "overlays").iterdir() if (p / "kustomization.yaml").exists())
failures = []


def fail(overlay, msg):
    failures.append(f"{overlay}: {msg}")


def seconds(text):
    m = re.fullmatch(r"(\d+)s", text) or re.fullmatch(r"PT(\d+)S", text)
    if not m:
        raise ValueError(f"unsupported duration {text!r}")
    return int(m.group(1))


IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# expr-lang built-ins and keywords a formula may use besides trigger names.
FORMULA_WORDS = {"max", "min", "abs", "ceil", "floor", "round", "float", "int", "len", "sum", "true", "false",
                 "nil", "and", "or", "not", "in", "let"}


def partition_streams(agent, p):
    # CONTRACT.md: {A} for partition 0 (today's key), {A:p} for p >= 1; one task stream per priority level.
    base = f"fleet:{{{agent}}}:tasks" if p == 0 else f"fleet:{{{agent}:{p}}}:tasks"
    return {base, base + ":high", base + ":low"}


def partitions_of(agent, container):
    variable = "FLEET_AGENTS_" + agent.upper().replace("-", "_") + "_PARTITIONS"
    value = next((e.get("value") for e in container.get("env", []) if e["name"] == variable), None)
    return int(value) if value is not None else 1


def env_names(container, config_maps):
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        ref = source.get("configMapRef", {}).get("name")
        for cm in config_maps.values():
            if cm["metadata"]["name"] == ref:
                names |= set((cm.get("data") or {}).keys())
    return names


def check_scaled_object(overlay, so, agent, deployment, config_maps):
    so_name = so["metadata"]["name"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    partitions = partitions_of(agent, container)
    expected = set().union(*(partition_streams(agent, p) for p in range(partitions)))
    available = env_names(container, config_maps)
    lag, pending, names = [], [], []
    for t in so["spec"]["triggers"]:
        md = t["metadata"]
        names.append(t.get("name"))
        if t["type"] not in ("redis-streams", "redis-cluster-streams"):
            fail(overlay, f"{so_name}: trigger {t.get('name')} has type {t['type']}")
        if md.get("stream") not in expected or md.get("consumerGroup") != "workers" or "authenticationRef" not in t:
            fail(overlay, f"{so_name}: trigger {t.get('name')} on {md.get('stream')}/{md.get('consumerGroup')}, "
                          f"not on one of {sorted(expected)}/workers with auth")
        if "enableTLS" in md:
            fail(overlay, f"{so_name}: trigger {t.get('name')} sets enableTLS; TLS belongs in the TriggerAuthentication")
        variable = md.get("addressesFromEnv") or md.get("addressFromEnv")
        if variable and variable not in available:
            fail(overlay, f"{so_name}: trigger {t.get('name')} reads {variable}, which the container does not define")
        if not variable and not (md.get("address") or md.get("addresses")):
            fail(overlay, f"{so_name}: trigger {t.get('name')} names no Redis address")
        if t["type"] == "redis-cluster-streams" and "addressFromEnv" in md:
            fail(overlay, f"{so_name}: redis-cluster-streams trigger {t.get('name')} wants addressesFromEnv")
        if "lagCount" in md:
            lag.append(md.get("stream"))
            if md.get("activationLagCount") != "0":
                fail(overlay, f"{so_name}: trigger {t.get('name')} needs activationLagCount \"0\" (one task wakes the type)")
        elif "pendingEntriesCount" in md:
            pending.append(md.get("stream"))
    if sorted(lag) != sorted(expected):
        fail(overlay, f"{so_name}: wants one lag trigger per task stream {sorted(expected)}, has {sorted(lag)}")
    if sorted(pending) != sorted(expected):
        fail(overlay, f"{so_name}: wants one pending trigger per task stream {sorted(expected)}, has {sorted(pending)}")
    if len(set(names)) != len(names):
        fail(overlay, f"{so_name}: trigger names are not unique: {names}")
    modifiers = (so["spec"].get("advanced") or {}).get("scalingModifiers")
    if len(expected) > 1 and not modifiers:
        fail(overlay, f"{so_name}: {len(expected)} task streams but no advanced.scalingModifiers summing them")
    if modifiers:
        used = set(IDENTIFIER.findall(modifiers.get("formula", ""))) - FORMULA_WORDS
        if None in names or used != set(names):
            fail(overlay, f"{so_name}: formula uses {sorted(used)}, triggers are named {names} (must be the same)")
        try:
            if float(modifiers.get("target", "0")) <= 0:
                raise ValueError
        except ValueError:
            fail(overlay, f"{so_name}: scalingModifiers.target must be a positive number")
        if modifiers.get("activationTarget") != "0":
            fail(overlay, f"{so_name}: scalingModifiers.activationTarget must be \"0\" (one task wakes the type)")
        if modifiers.get("metricType", "AverageValue") != "AverageValue":
            fail(overlay, f"{so_name}: scalingModifiers.metricType must be AverageValue")
    if not 0 <= so["spec"]["minReplicaCount"] <= so["spec"]["maxReplicaCount"]:
        fail(overlay, f"{so_name}: min/max replicas inconsistent")


example_keys = {}
for doc in yaml.safe_load_all((ROOT / "base" / "secrets.example.yaml").read_text()):
    if doc and doc.get("kind") == "Secret":
        example_keys[doc["metadata"]["name"]] = set((doc.get("stringData") or {}).keys())

for overlay_dir in OVERLAYS:
    overlay = overlay_dir.name
    out = subprocess.run(["kubectl", "kustomize", str(overlay_dir)], capture_output=True, text=True)
    if out.returncode != 0:
        fail(overlay, f"kubectl kustomize failed: {out.stderr.strip()}")
        continue
    docs = [d for d in yaml.safe_load_all(out.stdout) if d]
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d

    deployments = by_kind.get("Deployment", {})
    scaled = by_kind.get("ScaledObject", {})
    pdbs = by_kind.get("PodDisruptionBudget", {})
    workers = {n: d for n, d in deployments.items()
               if d["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/name") == "agentfleet-worker"}
    if not workers:
        fail(overlay, "no worker Deployments")

    for name, d in deployments.items():
        pod = d["spec"]["template"]["spec"]
        c = pod["containers"][0]
        env = {e["name"]: e for e in c.get("env", [])}
        sc, psc = c.get("securityContext", {}), pod.get("securityContext", {})
        if not (psc.get("runAsNonRoot") and psc.get("runAsUser") == 10001):
            fail(overlay, f"{name}: pod must run as non-root uid 10001")
        if psc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            fail(overlay, f"{name}: seccompProfile RuntimeDefault missing")
        if not sc.get("readOnlyRootFilesystem") or sc.get("allowPrivilegeEscalation") is not False:
            fail(overlay, f"{name}: needs readOnlyRootFilesystem and allowPrivilegeEscalation false")
        if sc.get("capabilities", {}).get("drop") != ["ALL"]:
            fail(overlay, f"{name}: capabilities must drop ALL")
        tmp_vols = {v["name"] for v in pod.get("volumes", []) if "emptyDir" in v}
        if not any(m["mountPath"] == "/tmp" and m["name"] in tmp_vols for m in c.get("volumeMounts", [])):
            fail(overlay, f"{name}: no emptyDir mounted at /tmp")
        if c.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/health/liveness":
            fail(overlay, f"{name}: liveness probe must be /health/liveness")
        if c.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/health/readiness":
            fail(overlay, f"{name}: readiness probe must be /health/readiness")
        if not any(p.get("containerPort") == 8080 for p in c.get("ports", [])):
            fail(overlay, f"{name}: container port 8080 missing")
        if env.get("POD_NAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") != "metadata.name":
            fail(overlay, f"{name}: POD_NAME must come from the downward API")
        ref = env.get("REDIS_URL", {}).get("valueFrom", {}).get("secretKeyRef")
        if not ref:
            fail(overlay, f"{name}: REDIS_URL must come from a secretKeyRef")
        elif ref["key"] not in example_keys.get(ref["name"], set()):
            fail(overlay, f"{name}: Secret {ref['name']} key {ref['key']} missing from secrets.example.yaml")
        grace = pod.get("terminationGracePeriodSeconds", 30)
        if "FLEET_SHUTDOWN_GRACE" in env and seconds(env["FLEET_SHUTDOWN_GRACE"]["value"]) >= grace:
            fail(overlay, f"{name}: FLEET_SHUTDOWN_GRACE must be < terminationGracePeriodSeconds ({grace})")
        for r in ("requests", "limits"):
            if not c.get("resources", {}).get(r):
                fail(overlay, f"{name}: resources.{r} missing")

    for name, d in workers.items():
        labels = d["spec"]["template"]["metadata"]["labels"]
        agent = labels.get("agentfleet.io/agent-type")
        env = {e["name"]: e.get("value") for e in d["spec"]["template"]["spec"]["containers"][0]["env"]}
        if env.get("FLEET_AGENTS") != agent:
            fail(overlay, f"{name}: FLEET_AGENTS={env.get('FLEET_AGENTS')} but agent-type label {agent}")
        so = next((s for s in scaled.values() if s["spec"]["scaleTargetRef"]["name"] == name), None)
        if so is None:
            if scaled:
                fail(overlay, f"{name}: no ScaledObject")
        else:
            check_scaled_object(overlay, so, agent, d, by_kind.get("ConfigMap", {}))
        pdb = next((p for p in pdbs.values()
                    if all(labels.get(k) == v for k, v in p["spec"]["selector"]["matchLabels"].items())
                    and p["spec"]["selector"]["matchLabels"].get("agentfleet.io/agent-type") == agent), None)
        if pdb is None:
            fail(overlay, f"{name}: no PodDisruptionBudget selecting agent type {agent}")

    for ta in by_kind.get("TriggerAuthentication", {}).values():
        for ref in ta["spec"].get("secretTargetRef", []):
            if ref["key"] not in example_keys.get(ref["name"], set()):
                fail(overlay, f"TriggerAuthentication: Secret {ref['name']} key {ref['key']} missing from secrets.example.yaml")

    print(f"{overlay}: {len(docs)} objects, {len(workers)} worker types "
          f"({', '.join(sorted(d['spec']['template']['metadata']['labels']['agentfleet.io/agent-type'] for d in workers.values()))})")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("all overlays OK")
