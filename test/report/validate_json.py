#!/usr/bin/env python3
"""Validates a JSON file against a JSON Schema (python3-jsonschema); exit 0 when valid."""
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
doc = json.load(open(sys.argv[2], encoding="utf-8"))
try:
    jsonschema.validate(doc, schema)
except jsonschema.ValidationError as e:
    print(e.message, file=sys.stderr)
    sys.exit(1)
