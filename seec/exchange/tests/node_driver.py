"""Runs inside a test node: reads {"fn", "kwargs"} lines, calls node_actions, answers JSON."""

import json
import sys
import traceback

import django

django.setup()

from django.db import connections  # noqa: E402

from seec.exchange.tests import node_actions  # noqa: E402


def main() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"result": getattr(node_actions, request["fn"])(**request["kwargs"])}
        except Exception as error:
            traceback.print_exc(file=sys.stderr)
            sys.stderr.flush()
            answer = {"error": str(error) or repr(error), "kind": type(error).__name__}
        finally:
            connections.close_all()
        sys.stdout.write(json.dumps(answer, default=str) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
