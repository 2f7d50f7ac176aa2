#!/usr/bin/env python3
"""Unseal every SealedSecret in a YAML stream with kubesealpy, an implementation independent of ours.

Usage: unseal.py PRIVATE_KEY.pem STREAM.yaml

Prints {"<namespace>/<name>": {"<key>": "<plaintext>"}} as JSON (namespace empty when there is
none), for a test to compare with what it sealed. Documents of other kinds are skipped. It prints
secrets: use it with test keys only.

Needs kubesealpy (tested with `pip install kubesealpy==1.0.1`), which brings PyYAML.
"""

import base64
import json
import sys

import yaml
from kubesealpy import KubesealPyError, SealedSecret, Unsealer


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: unseal.py PRIVATE_KEY.pem STREAM.yaml", file=sys.stderr)
        return 2
    unsealer = Unsealer.from_private_key_file(argv[1])
    with open(argv[2], encoding="utf-8") as stream:
        documents = list(yaml.safe_load_all(stream))

    unsealed: dict[str, dict[str, str]] = {}
    for document in documents:
        if not isinstance(document, dict) or document.get("kind") != "SealedSecret":
            continue
        # SealedSecret.from_yaml() is yaml.safe_load() + model_validate() and takes one document
        # only, so the stream is split above and each document validated here.
        sealed = SealedSecret.model_validate(document)
        where = f"{sealed.metadata.namespace or ''}/{sealed.metadata.name}"
        try:
            # Picks the OAEP label from the top-level metadata and scope annotation, as the
            # controller does.
            secret = unsealer.unseal(sealed)
        except KubesealPyError as error:
            print(f"{where}: {error}", file=sys.stderr)
            return 1
        # The returned Secret holds base64 again, as Secret.data does.
        unsealed[where] = {
            key: base64.b64decode(value).decode("utf-8") for key, value in (secret.data or {}).items()
        }

    json.dump(unsealed, sys.stdout, indent=2, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
