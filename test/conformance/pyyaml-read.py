"""Reads YAML files with PyYAML's safe loader (strict YAML 1.1) and prints {"<file>": <value>} as JSON.

Usage: pyyaml FILE... (the .tools/bin/pyyaml wrapper puts the pinned PyYAML on PYTHONPATH).
Exit 1 with PyYAML's message when a file does not load, 2 for bad usage.
"""
import json
import sys

import yaml

if len(sys.argv) < 2:
    sys.stderr.write("usage: pyyaml-read.py FILE...\n")
    sys.exit(2)
result = {}
for name in sys.argv[1:]:
    try:
        with open(name, "rb") as f:
            result[name] = yaml.safe_load(f)
    except yaml.YAMLError as e:
        sys.stderr.write(f"{name}: {e}\n")
        sys.exit(1)
json.dump(result, sys.stdout, ensure_ascii=False)
