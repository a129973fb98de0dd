#!/usr/bin/env python3
"""Validates what `certcron k8s manifests` printed against the batch/v1 CronJob schema
(tests/data/k8s/cronjob.schema.json, every object closed: a key the API does not know
fails).

    k8s_validate.py SCHEMA MANIFESTS [--expect N] [--list]

MANIFESTS is the documents between lines `---`, each JSON (so YAML too); with --list, one
v1 List whose items are the CronJobs (the --json output). Checks each document, that there
are N of them, that names are unique, and that the schema itself rejects what the API would:
an unknown key at the top, in the pod and in the container, a name of 53 characters, a name
that is not a DNS label, a string where a number goes. Prints one "PASS ..." or "FAIL ..."
line per check, for the e2e suite to count."""
import argparse
import copy
import json
import sys

import jsonschema


def report(ok, what):
    print(("PASS " if ok else "FAIL ") + what)
    return ok


def documents_of(text, as_list):
    if as_list:
        whole = json.loads(text)
        report(whole.get("apiVersion") == "v1" and whole.get("kind") == "List",
               "--json prints one v1 List")
        return whole.get("items", [])
    chunks, current = [], []
    for line in text.split("\n"):
        if line == "---":
            chunks.append("\n".join(current))
            current = []
        else:
            current.append(line)
    chunks.append("\n".join(current))
    return [json.loads(chunk) for chunk in chunks if chunk.strip()]


def errors_of(validator, document):
    return sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("schema")
    parser.add_argument("manifests")
    parser.add_argument("--expect", type=int)
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()

    with open(args.schema, encoding="utf-8") as file:
        schema = json.load(file)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    with open(args.manifests, encoding="utf-8") as file:
        documents = documents_of(file.read(), args.list)

    if args.expect is not None:
        report(len(documents) == args.expect,
               f"{len(documents)} documents, expected {args.expect}")
    names = [document.get("metadata", {}).get("name") for document in documents]
    report(len(set(names)) == len(names), f"the CronJobs' names are unique: {names}")
    for document in documents:
        errors = errors_of(validator, document)
        report(not errors, f"{document.get('metadata', {}).get('name')} is a valid batch/v1 "
               "CronJob" + "".join(f"\n  at {list(e.absolute_path)}: {e.message}"
                                   for e in errors[:5]))

    if not documents:
        return 0
    # The schema can fail: each of these breaks one rule of the API.
    broken = {
        "an unknown top-level key": lambda d: d.update(status_text="x"),
        "an unknown key in the CronJob spec": lambda d: d["spec"].update(timezone="UTC"),
        "an unknown key in the pod spec": lambda d: d["spec"]["jobTemplate"]["spec"][
            "template"]["spec"].update(restart_policy="Never"),
        "an unknown key in the container": lambda d: d["spec"]["jobTemplate"]["spec"][
            "template"]["spec"]["containers"][0].update(arguments=[]),
        "an unknown key in an env source": lambda d: d["spec"]["jobTemplate"]["spec"][
            "template"]["spec"]["containers"][0]["env"][0]["valueFrom"].update(secret={}),
        "a name of 53 characters": lambda d: d["metadata"].update(name="a" * 53),
        "a name that is not a DNS label": lambda d: d["metadata"].update(name="Nightly_Check"),
        "a string for startingDeadlineSeconds": lambda d: d["spec"].update(
            startingDeadlineSeconds="300"),
        "another kind": lambda d: d.update(kind="Job"),
    }
    for what, breaking in broken.items():
        document = copy.deepcopy(documents[0])
        breaking(document)
        report(bool(errors_of(validator, document)), f"the schema rejects {what}")
    at_limit = copy.deepcopy(documents[0])
    at_limit["metadata"]["name"] = "a" * 52
    report(not errors_of(validator, at_limit), "the schema takes a name of 52 characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
