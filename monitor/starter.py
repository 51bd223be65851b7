"""`monitor init`: a commented example resources.toml to start a list from."""

from __future__ import annotations

import os
from pathlib import Path

EXAMPLE = '''\
# resources.toml: the curated list that `monitor check` watches.
# Every key is explained in the README's "Configuration reference"; `monitor validate`
# checks this file without fetching anything, and names the line of every mistake.

[monitor]                      # every key is optional; the defaults are shown
# title = "Curated links"      # heading of the HTML report and the Markdown summary
# report = "reports/index.html"  # relative to this file
# database = "monitor.sqlite3" # the history: streaks, title baselines, uptime
# timeout = 15                 # seconds per attempt
# concurrency = 32             # requests in flight overall
# per_host = 2                 # requests in flight per site
# confirm_runs = 2             # runs in a row before a status change is confirmed (CI: 1)
# fail_on = ["broken", "down"] # statuses that make `monitor check` exit 1
# tls_warn_days = 14           # warn when a certificate expires sooner
# interval = "30m"             # for `monitor watch`; or schedule = "*/30 * * * *"
# offline_probe = ["https://one.one.one.one/", "https://dns.google/"]
#                              # reached when every link fails: if these fail too, the
#                              # run is "offline" (our network), not "everything is down"

# One [[resource]] per link. id and url are required.
[[resource]]
id = "python-tutorial"                      # unique: lowercase letters, digits, '-'
name = "The Python Tutorial"                # shown in reports (default: the id)
url = "https://docs.python.org/3/tutorial/"
# expected_title = "The Python Tutorial"    # leave out to learn it from the first check
keywords = ["tutorial"]                     # words that must stay on the page
tags = ["python.org"]                       # the first tag groups links in the report

[[resource]]
id = "python-downloads"
name = "Python downloads"
url = "https://www.python.org/downloads/"
tags = ["python.org"]
'''


class StarterExists(Exception):
    """The target file already exists; `monitor init` never overwrites."""


def write_example(path: Path) -> None:
    """Create `path` with the example; raise StarterExists if it exists (no race: O_EXCL)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise StarterExists(f"{path} already exists; not overwriting it") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(EXAMPLE)
