#!/usr/bin/env python3
"""Render every overlay with `kubectl kustomize` and check AgentFleet's invariants.

    python3 k8s/check-manifests.py            # needs kubectl (kustomize built in) and PyYAML

Checks, per overlay: every worker Deployment has its ScaledObject (two
redis-streams triggers on fleet:{type}:tasks / group workers: lag + pending)
and PodDisruptionBudget; FLEET_AGENTS, POD_NAME, REDIS_URL (secretKeyRef) are
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
            trig = so["spec"]["triggers"]
            modes = []
            for t in trig:
                md = t["metadata"]
                if t["type"] != "redis-streams" or md.get("stream") != f"fleet:{{{agent}}}:tasks" \
                        or md.get("consumerGroup") != "workers" or "authenticationRef" not in t:
                    fail(overlay, f"{so['metadata']['name']}: trigger {t.get('name')} not on fleet:{{{agent}}}:tasks/workers with auth")
                if "lagCount" in md:
                    modes.append("lag")
                    if "activationLagCount" not in md:
                        fail(overlay, f"{so['metadata']['name']}: lagCount without activationLagCount")
                if "pendingEntriesCount" in md:
                    modes.append("pending")
            if sorted(modes) != ["lag", "pending"]:
                fail(overlay, f"{so['metadata']['name']}: wants one lag and one pending trigger, has {modes}")
            if not 0 <= so["spec"]["minReplicaCount"] <= so["spec"]["maxReplicaCount"]:
                fail(overlay, f"{so['metadata']['name']}: min/max replicas inconsistent")
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
