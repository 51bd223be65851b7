"""`monitor fix`: rewrite the url of every confirmed `moved` resource to where it moved.

Based on the latest stored run, and only if resources.toml is byte-for-byte the file that run
checked (its digest is stored with the run): otherwise the run may describe other URLs. The id
stays the same, so history, baselines and mutes carry over to the new URL. A redirect that
lands on a home page (`/`, `/index.html`, `/en/`), an error page (`/404.html`,
`/error?code=404`) or a login is never taken as the new address (curate/landing.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Config
from ..judge import moved_to_url
from ..models import Run, Status
from ..streak import State
from .landing import landing_problem
from .listfile import CurateError, ListFile, say, shown

__all__ = ["Fix", "Skip", "landing_problem", "plan"]


@dataclass(frozen=True, slots=True)
class Fix:
    resource_id: str
    old_url: str
    new_url: str


@dataclass(frozen=True, slots=True)
class Skip:
    resource_id: str
    why: str


def plan(config: Config, run: Run, states: dict[str, State],
         only: set[str] | None = None) -> tuple[list[Fix], list[Skip]]:
    """Pure: which resources to rewrite, and why the others named in `only` are left alone."""
    results = {result.id: result for result in run.results}
    fixes: list[Fix] = []
    skips: list[Skip] = []
    for resource in config.resources:
        if only is not None and resource.id not in only:
            continue
        result = results.get(resource.id)
        state = states.get(resource.id)
        if result is None:
            if only is not None:
                skips.append(Skip(resource.id, f"not in run #{run.run_id}"))
            continue
        if result.status is not Status.MOVED:
            if only is not None:
                skips.append(Skip(resource.id, f"not moved (status {result.status.value})"))
            continue
        if state is None or state.confirmed_status is not Status.MOVED:
            skips.append(Skip(resource.id, "moved, but not confirmed yet: run `monitor check` "
                                           "again"))
            continue
        new_url = moved_to_url(result.redirects, result.url)
        if new_url is None:
            skips.append(Skip(resource.id, "no permanent redirect target recorded"))
            continue
        problem = landing_problem(result, new_url)
        if problem:
            skips.append(Skip(resource.id, f"not fixed: {problem}"))
            continue
        fixes.append(Fix(resource.id, resource.url, new_url))
    return fixes, skips


def check_based_on(listfile: ListFile, run: Run, recorded: str | None) -> None:
    """Refuse unless resources.toml is the very file the run checked."""
    if recorded is None:
        raise CurateError(f"run #{run.run_id} does not record which {listfile.path.name} it "
                          "checked: run `monitor check` first")
    if recorded != listfile.digest:
        raise CurateError(f"{listfile.path} changed since run #{run.run_id}: run "
                          "`monitor check` again, then `monitor fix`")


def apply_fixes(listfile: ListFile, fixes: list[Fix]) -> None:
    for fix in fixes:
        listfile.set_url(fix.resource_id, fix.new_url)


def report(fixes: list[Fix], skips: list[Skip], listfile: ListFile, applied: bool) -> None:
    for skip in skips:
        say(f"{skip.resource_id}: {skip.why}", err=True)
    if not fixes:
        print("monitor: nothing to fix")
        return
    print(shown(listfile.diff()), end="")  # the file keeps the password; the screen does not
    count = f"{len(fixes)} moved link{'s' if len(fixes) != 1 else ''}"
    if applied:
        say(f"monitor: updated {count} in {listfile.path}; history carries over (same ids)")
    else:
        say(f"monitor: {count} to update; nothing written (run again with --apply)")
