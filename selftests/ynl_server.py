#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""cli.py's requests, many per process, for the netlink selftests.

Starting cli.py costs seconds under TCG (Python, the YAML spec), so a test
that makes a hundred requests keeps this one process instead. It uses the
kernel's YNL library (the one behind cli.py) and answers exactly as cli.py
would with --output-json, so the checks read the same either way.

A request on stdin is cli.py's arguments, each ended by ASCII US (0x1f),
the request ended by ASCII RS (0x1e): printf '%s\\x1f' "$@"; printf '\\x1e'.
(Arguments may hold newlines, as the selftests' JSON does.) The answer is
cli.py's output, then a line of RS, a space and cli.py's exit status.
"""

import argparse
import json
import os
import sys
import traceback

YNL_DIR = os.path.join(os.environ.get('CLUSTERLB_CACHE', '/var/cache/clusterlb'),
                       'linux-source/tools/net/ynl')
sys.path.append(YNL_DIR)
from lib import YnlFamily, NlError  # noqa: E402  pylint: disable=wrong-import-position


def to_json(obj):
    """cli.py's YnlEncoder: bytes as hex, sets as lists."""
    if isinstance(obj, bytes):
        return obj.hex()
    if isinstance(obj, set):
        return list(obj)
    raise TypeError(f'{type(obj).__name__} is not JSON serializable')


def request_parser():
    """The subset of cli.py's options the selftests use."""
    parser = argparse.ArgumentParser(prog='ynl', exit_on_error=False, add_help=False)
    parser.add_argument('--json', dest='json_text')
    group = parser.add_mutually_exclusive_group()
    group.add_argument('--do')
    group.add_argument('--dump')
    return parser


def serve_one(ynl, parser, argv):
    """Answer one request as cli.py would; return its exit status."""
    args = parser.parse_args(argv)
    attrs = json.loads(args.json_text) if args.json_text else {}
    try:
        if args.do:
            reply = ynl.do(args.do, attrs)
        else:
            reply = ynl.dump(args.dump, attrs)
    except NlError as err:
        print(err)
        return 1
    print(json.dumps(reply, default=to_json))
    return 0


def read_requests(stream):
    """Yield each request's argument list."""
    pending = b''
    while chunk := stream.read1(4096):
        pending += chunk
        *requests, pending = pending.split(b'\x1e')
        for request in requests:
            yield [arg.decode() for arg in request.split(b'\x1f')[:-1]]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--spec', required=True)
    parser.add_argument('--schema')
    parser.add_argument('--no-schema', action='store_true')
    args = parser.parse_args()

    ynl = YnlFamily(args.spec, '' if args.no_schema else args.schema)
    requests = request_parser()
    for request in read_requests(sys.stdin.buffer):
        try:
            rc = serve_one(ynl, requests, request)
        except Exception:  # pylint: disable=broad-except
            # As cli.py dies on a bad request: a traceback and status 1.
            traceback.print_exc(file=sys.stdout)
            rc = 1
        print(f"\x1e {rc}", flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
