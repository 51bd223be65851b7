"""JUnit XML: one test case per link, a failure for each status in --fail-on."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence

from ..models import REASON_TEXT, Result, Run

# Characters XML 1.0 forbids; hostile titles may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render_junit(run: Run, fail_on: Sequence[str], suite: str = "link-health") -> str:
    return "".join(iter_junit(run, fail_on, suite))


def iter_junit(run: Run, fail_on: Sequence[str], suite: str = "link-health") -> Iterator[str]:
    """The document in chunks, one test case at a time: a pass to count, then one to write,
    so a big run's results are never all in memory at once."""
    failures = skipped = total = 0
    for result in run.results:
        total += 1
        if result.status.value in fail_on:
            skipped += result.muted
            failures += not result.muted
    root = ET.Element("testsuites", name=suite, tests=str(total), failures=str(failures),
                      errors="0")
    testsuite = ET.SubElement(
        root, "testsuite", name=suite, tests=str(total), failures=str(failures), errors="0",
        skipped=str(skipped), time=f"{(run.finished_at - run.started_at).total_seconds():.3f}",
        timestamp=run.started_at.strftime("%Y-%m-%dT%H:%M:%S"),
    )
    if not total:
        ET.indent(root)
        yield _XML_HEAD + ET.tostring(root, encoding="unicode") + "\n"
        return
    ET.SubElement(testsuite, _CASES)
    ET.indent(root)
    head, tail = ET.tostring(root, encoding="unicode").split(f"<{_CASES} />")
    yield _XML_HEAD + head
    for index, result in enumerate(run.results):
        case = _case(result, fail_on)
        ET.indent(case, level=2)
        yield ("\n    " if index else "") + ET.tostring(case, encoding="unicode")
    yield tail + "\n"


_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_CASES = "monitor-cases"  # where the cases go in the rendered skeleton


def _case(result: Result, fail_on: Sequence[str]) -> ET.Element:
    case = ET.Element(
        "testcase", name=result.id,
        classname=f"links.{result.tags[0]}" if result.tags else "links",
        time=f"{result.elapsed_ms / 1000:.3f}",
    )
    if result.warnings:  # e.g. a certificate about to expire: visible in every CI UI
        props = ET.SubElement(case, "properties")
        for warning in result.warnings:
            ET.SubElement(props, "property", name="warning", value=_clean(warning))
    text = (f"{result.url}\nstatus: {result.status.value} ({result.reason.value})\n"
            f"{result.detail}\nfinal URL: {result.final_url}\ntitle: {result.title or ''}")
    text += "".join(f"\nwarning: {warning}" for warning in result.warnings)
    if result.status.value in fail_on and result.muted:
        ET.SubElement(case, "skipped", message=_clean(
            f"{result.status.value}, muted until {result.muted_until}"
            + (f": {result.mute_note}" if result.mute_note else "")))
        ET.SubElement(case, "system-out").text = _clean(text)
    elif result.status.value in fail_on:
        failure = ET.SubElement(
            case, "failure", type=result.reason.value,
            message=_clean(f"{result.status.value}: {REASON_TEXT[result.reason]}"
                           + (f": {result.detail}" if result.detail else "")),
        )
        failure.text = _clean(text)
    else:
        ET.SubElement(case, "system-out").text = _clean(text)
    return case
