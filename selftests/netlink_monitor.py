#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Collect clusterlb "monitor" notifications for a selftest.

Subscribes with the kernel's YNL library (the one behind cli.py), prints
"ready" once subscribed, then waits until --count notifications arrived or
--timeout seconds passed and prints them as one JSON list (cli.py's
format: {"name": ..., "msg": {...}}). Exit status 1 on timeout.
"""

import argparse
import json
import os
import select
import sys
import time

YNL_DIR = os.path.join(os.environ.get('CLUSTERLB_CACHE', '/var/cache/clusterlb'),
                       'linux-source/tools/net/ynl')
sys.path.append(YNL_DIR)
from lib import YnlFamily  # noqa: E402  pylint: disable=wrong-import-position


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--spec', required=True)
    parser.add_argument('--schema')
    parser.add_argument('--no-schema', action='store_true')
    parser.add_argument('--count', type=int, required=True)
    parser.add_argument('--timeout', type=float, default=30)
    args = parser.parse_args()

    ynl = YnlFamily(args.spec, '' if args.no_schema else args.schema)
    ynl.ntf_subscribe('monitor')
    print('ready', flush=True)

    deadline = time.monotonic() + args.timeout
    while len(ynl.async_msg_queue) < args.count:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        select.select([ynl.sock], [], [], min(left, 0.5))
        ynl.check_ntf()

    print(json.dumps(ynl.async_msg_queue, default=str))
    return 0 if len(ynl.async_msg_queue) >= args.count else 1


if __name__ == '__main__':
    sys.exit(main())
